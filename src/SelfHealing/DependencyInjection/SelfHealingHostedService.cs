using Microsoft.Extensions.Hosting;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Starts and stops SelfHealing with the host: creates the declared breakers at start (so they show up in
/// health checks and metrics before the first call) and completes the event hub at stop, so subscribers
/// drain what is queued and finish.
/// </summary>
internal sealed class SelfHealingHostedService(
    DeclaredCircuitBreakers declared,
    CircuitBreakerRegistry registry,
    EventHub hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string name in declared.Names)
        {
            registry.GetOrCreate(name);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        hub.Complete();
        return Task.CompletedTask;
    }
}
