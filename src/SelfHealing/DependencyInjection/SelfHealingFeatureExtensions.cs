using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;
using SelfHealing.Storage;
using SelfHealing.Telemetry;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>
/// Turns on SelfHealing's features one at a time, on top of <c>AddSelfHealingCore()</c>. Each brings the features it
/// needs (recovery needs adaptive configuration, which needs the health monitor, which needs the metrics collector) and
/// adds nothing twice; whatever the order of the calls, the features start with the host in one order (configuration,
/// metrics, health, recovery) and stop in reverse. <c>AddSelfHealing()</c> turns them all on.
/// </summary>
public static class SelfHealingFeatureExtensions
{
    /// <summary>
    /// Adds the metrics collector (<see cref="IMetricsCollector"/>), with <see cref="MetricsCollectorOptions"/> bound from
    /// <c>SelfHealing:Metrics</c>: it listens to the app's meters, samples the process, keeps history and detects
    /// anomalies while the host runs.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddMetricsCollector(this ISelfHealingBuilder builder) => Add(builder, SelfHealingFeature.Metrics, needs: null, static services =>
    {
        SelfHealingServiceCollectionExtensions.AddSectionOptions<MetricsCollectorOptions, MetricsCollectorOptionsValidator>(services, MetricsCollectorOptionsValidator.Section);
        services.TryAddSingleton(sp => new MetricsCollector(
            sp.GetRequiredService<IOptions<MetricsCollectorOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetService<ILogger<MetricsCollector>>(),
            sp.GetRequiredService<SelfHealingInstrumentation>()));
        services.TryAddSingleton<IMetricsCollector>(sp => sp.GetRequiredService<MetricsCollector>());
    });

    /// <summary>
    /// Adds the health monitor (and the metrics collector), with <see cref="HealthMonitorOptions"/> bound from
    /// <c>SelfHealing:Health</c>: it runs the registered health checks and declared components on their schedule,
    /// publishes health changes and alerts, and adds the health checks <c>selfhealing-health</c> and
    /// <c>selfhealing-health:{component}</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddHealthMonitor(this ISelfHealingBuilder builder) => Add(builder, SelfHealingFeature.Health, AddMetricsCollector, static services =>
    {
        SelfHealingServiceCollectionExtensions.AddSectionOptions<HealthMonitorOptions, HealthMonitorOptionsValidator>(services, HealthMonitorOptionsValidator.Section);
        services.TryAddSingleton(sp =>
        {
            var monitor = new HealthMonitor(
                sp.GetRequiredService<IOptions<HealthMonitorOptions>>(),
                sp.GetRequiredService<IOptions<HealthCheckServiceOptions>>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IEventHub>(),
                sp.GetService<ILogger<HealthMonitor>>(),
                sp.GetRequiredService<IMetricsCollector>(),
                sp.GetServices<HealthAlertSinkRegistration>());
            sp.GetRequiredService<SelfHealingInstrumentation>().Track(monitor);
            return monitor;
        });
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            SelfHealingServiceCollectionExtensions.HealthMonitorHealthCheckName,
            sp => new HealthMonitorHealthCheck(sp.GetRequiredService<HealthMonitor>()),
            failureStatus: null,
            tags: [SelfHealingServiceCollectionExtensions.HealthCheckTag, HealthMonitor.OwnCheckTag]));
        HealthBuilderExtensions.AddComponentHealthChecks(services);
    });

    /// <summary>
    /// Adds adaptive configuration (and the health monitor), with <see cref="AdaptiveConfigOptions"/> bound from
    /// <c>SelfHealing:Configuration</c>: versioned, guarded changes of the parameters declared with
    /// <c>AddAdaptiveParameters</c>, kept in the state store and restored at start before the other features start.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddAdaptiveConfiguration(this ISelfHealingBuilder builder) => Add(builder, SelfHealingFeature.Configuration, AddHealthMonitor, static services =>
    {
        SelfHealingServiceCollectionExtensions.AddSectionOptions<AdaptiveConfigOptions, AdaptiveConfigOptionsValidator>(services, AdaptiveConfigOptionsValidator.Section);
        services.TryAddSingleton(sp => new AdaptiveConfigManager(
            sp.GetRequiredService<IOptions<AdaptiveConfigOptions>>(),
            sp.GetServices<ParameterDefinition>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetRequiredService<IStateStore>(),
            sp.GetService<IConfiguration>(),
            sp.GetRequiredService<HealthMonitor>(),
            sp.GetRequiredService<IMetricsCollector>(),
            sp.GetService<ILogger<AdaptiveConfigManager>>())
        {
            Instrumentation = sp.GetRequiredService<SelfHealingInstrumentation>(),
        });
    });

    /// <summary>
    /// Adds the recovery manager and <see cref="ISelfHealing"/> (and adaptive configuration), with
    /// <see cref="RecoveryOptions"/> bound from <c>SelfHealing:Recovery</c>: it listens to the hub and recovers the
    /// healable components declared with <c>AddHealableComponent</c>. With it, the whole loop is on.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddRecovery(this ISelfHealingBuilder builder) => Add(builder, SelfHealingFeature.Recovery, AddAdaptiveConfiguration, static services =>
    {
        SelfHealingServiceCollectionExtensions.AddSectionOptions<RecoveryOptions, RecoveryOptionsValidator>(services, RecoveryOptionsValidator.Section);
        services.TryAddSingleton(sp => new RecoveryManager(
            sp.GetRequiredService<IOptionsMonitor<RecoveryOptions>>(),
            sp.GetRequiredService<HealthMonitor>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp,
            HealableInterception.Apply(sp.GetService<IHealableInterception>(), sp.GetServices<HealableComponentRegistration>()),
            sp.GetService<IRecoveryApprovalGate>(),
            sp.GetServices<IIncidentSink>(),
            sp.GetService<ILogger<RecoveryManager>>(),
            sp.GetRequiredService<AdaptiveConfigManager>(),
            sp.GetService<IRecoveryLeases>())
        {
            Instrumentation = sp.GetRequiredService<SelfHealingInstrumentation>(),
        });
        services.TryAddSingleton(sp => new SelfHealingSystem(
            sp.GetRequiredService<HealthMonitor>(),
            sp.GetRequiredService<RecoveryManager>(),
            sp.GetRequiredService<CircuitBreakerRegistry>()));
        services.TryAddSingleton<ISelfHealing>(sp => sp.GetRequiredService<SelfHealingSystem>());
    });

    /// <summary>Adds <paramref name="feature"/> once: first what it needs, then its services.</summary>
    private static ISelfHealingBuilder Add(ISelfHealingBuilder builder, SelfHealingFeature feature, Func<ISelfHealingBuilder, ISelfHealingBuilder>? needs, Action<IServiceCollection> register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (services.LastOrDefault(d => d.ServiceType == typeof(SelfHealingFeatures))?.ImplementationInstance is not SelfHealingFeatures features)
        {
            services.AddSelfHealingCore(); // a builder made elsewhere
            features = (SelfHealingFeatures)services.Last(d => d.ServiceType == typeof(SelfHealingFeatures)).ImplementationInstance!;
        }

        if (!features.TurnOn(feature))
        {
            return builder;
        }

        needs?.Invoke(builder);
        register(services);
        return builder;
    }
}
