using Microsoft.Extensions.Hosting;

namespace SelfHealing.Chaos;

/// <summary>Starts the standing faults of the options with the host, and stops every fault with it.</summary>
internal sealed class ChaosHostedService(ChaosInjector injector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        injector.StartStanding();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        injector.StopAll();
        return Task.CompletedTask;
    }
}
