using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Starts and stops SelfHealing with the host: creates the declared breakers at start (so they show up in health checks
/// and metrics before the first call), starts the features that are on in one order (adaptive configuration first, so
/// restored values are in force; then the collector, the monitor and recovery), stops them in reverse and completes the
/// event hub last, so subscribers drain what is queued and finish.
/// </summary>
internal sealed class SelfHealingHostedService(
    IServiceProvider services,
    DeclaredCircuitBreakers declared,
    CircuitBreakerRegistry registry,
    EventHub hub) : IHostedService
{
    private readonly List<IHostedService> _started = [];

    /// <summary>The features that are on, in start order.</summary>
    internal static IReadOnlyList<IHostedService> Features(IServiceProvider services) =>
        [.. new IHostedService?[]
        {
            services.GetService<AdaptiveConfigManager>(),
            services.GetService<MetricsCollector>(),
            services.GetService<HealthMonitor>(),
            services.GetService<RecoveryManager>(),
        }.OfType<IHostedService>()];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string name in declared.Names)
        {
            registry.GetOrCreate(name);
        }

        foreach (IHostedService feature in Features(services))
        {
            await feature.StartAsync(cancellationToken).ConfigureAwait(false);
            lock (_started)
            {
                _started.Add(feature);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IHostedService[] started;
        lock (_started)
        {
            started = [.. _started];
            _started.Clear();
        }

        List<Exception>? errors = null;
        for (int i = started.Length - 1; i >= 0; i--)
        {
            try
            {
                await started[i].StopAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every feature gets its stop, and the hub its completion, whatever one of them throws; the errors are rethrown together.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(ex);
            }
        }

        hub.Complete();
        if (errors is not null)
        {
            if (errors.Count == 1)
            {
                ExceptionDispatchInfo.Throw(errors[0]);
            }

            throw new AggregateException(errors);
        }
    }
}
