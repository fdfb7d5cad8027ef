using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Coordination;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Recovery;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Makes this process a node of a SelfHealing cluster.</summary>
public static class CoordinationBuilderExtensions
{
    /// <summary>The health check that reports this node's place in the cluster.</summary>
    public const string ClusterHealthCheckName = "selfhealing-cluster";

    /// <summary>
    /// Joins a SelfHealing cluster on Raft: options from <paramref name="configure"/> then from <c>SelfHealing:Coordination</c>,
    /// validated at start; the node starts and stops with the host. Registers <see cref="IClusterCoordinator"/>, the
    /// <c>selfhealing-cluster</c> health check, and the recovery manager's leases on shared targets (<see cref="IRecoveryLeases"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options: the node id, the members, the shared circuits...</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder UseCoordination(this ISelfHealingBuilder builder, Action<CoordinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddSelfHealingOptions<CoordinationOptions, CoordinationOptionsValidator>(CoordinationOptionsValidator.Section);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ClusterCoordinator)))
        {
            return builder;
        }

        services.TryAddSingleton(sp => new ClusterCoordinator(
            sp.GetRequiredService<IOptions<CoordinationOptions>>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetRequiredService<CircuitBreakerRegistry>(),
            sp.GetService<AdaptiveConfigManager>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IClusterCoordinator>(sp => sp.GetRequiredService<ClusterCoordinator>());
        services.TryAddSingleton<IClusterView>(sp => new ClusterViewAdapter(sp.GetRequiredService<ClusterCoordinator>()));
        services.TryAddSingleton<IRecoveryLeases>(sp => new ClusterRecoveryLeases(
            sp.GetRequiredService<IClusterCoordinator>(),
            sp.GetRequiredService<IOptions<CoordinationOptions>>().Value.DefaultLeaseDuration,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IHostedService>(sp => new CoordinationHostedService(sp.GetRequiredService<ClusterCoordinator>()));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            ClusterHealthCheckName,
            sp => new ClusterHealthCheck(sp.GetRequiredService<ClusterCoordinator>()),
            failureStatus: null,
            tags: [SelfHealingServiceCollectionExtensions.HealthCheckTag]));
        return builder;
    }
}
