using Microsoft.Extensions.Hosting;

namespace SelfHealing.Coordination;

/// <summary>Starts the cluster node with the host, after the rest of SelfHealing, and stops it first.</summary>
internal sealed class CoordinationHostedService(ClusterCoordinator coordinator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => coordinator.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => coordinator.StopAsync(cancellationToken);
}
