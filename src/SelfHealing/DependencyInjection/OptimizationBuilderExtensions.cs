using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Optimization;
using SelfHealing.Storage;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Runs the online optimizer over the adaptive configuration, with the host.</summary>
public static class OptimizationBuilderExtensions
{
    /// <summary>
    /// Tunes the adaptive configuration's parameters live while the host runs: one candidate at a time, each for
    /// one evaluation window, through the guarded apply; the best of each generation is promoted, and the
    /// population and best so far are kept in the state store, to continue from after a restart.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="fitness">Creates the fitness source, usually a <see cref="WeightedFitness"/> over the collector.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddOnlineOptimizer(this ISelfHealingBuilder builder, Func<IServiceProvider, IFitnessSource> fitness, Action<OnlineOptimizerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(fitness);
        var options = new OnlineOptimizerOptions();
        configure?.Invoke(options);
        builder.AddAdaptiveConfiguration();
        builder.Services.AddSingleton(sp => new OnlineOptimizer(
            sp.GetRequiredService<AdaptiveConfigManager>(),
            fitness(sp),
            sp.GetRequiredService<TimeProvider>(),
            options,
            sp.GetService<ILogger<OnlineOptimizer>>(),
            sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<IEventHub>()));
        builder.Services.AddSingleton<IHostedService>(sp => new OnlineOptimizerService(sp.GetRequiredService<OnlineOptimizer>()));
        return builder;
    }

    private sealed class OnlineOptimizerService(OnlineOptimizer optimizer) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await optimizer.RestoreAsync(stoppingToken).ConfigureAwait(false);
                await optimizer.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // the host is stopping
            }
#pragma warning disable CA1031 // The optimizer is an extra: its failure must not stop the host (a BackgroundService's would).
            catch (Exception exception)
#pragma warning restore CA1031
            {
                optimizer.ReportStopped(exception);
            }
        }
    }
}
