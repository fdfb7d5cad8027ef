using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SelfHealing;
using SelfHealing.DependencyInjection;
using SelfHealing.Health;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Declares health components and alert sinks on an <see cref="ISelfHealingBuilder"/>.</summary>
public static class HealthBuilderExtensions
{
    /// <summary>The prefix of each component's own health check (<c>selfhealing-health:orders</c>).</summary>
    public const string ComponentHealthCheckPrefix = "selfhealing-health:";

    /// <summary>
    /// Declares the health component <paramref name="name"/>: a probe, thresholds, collector values and
    /// dependencies. With the name of a health check registration, it adds those to that check's component.
    /// Declaring a name again adds to the earlier declaration.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The component's name: letters, digits, '-', '_', '.' and '/'.</param>
    /// <param name="configure">Declares the component.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid.</exception>
    public static ISelfHealingBuilder AddHealthComponent(this ISelfHealingBuilder builder, string name, Action<HealthComponentBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ComponentNames.ThrowIfInvalid(name, nameof(name));
        builder.AddHealthMonitor();
        builder.Services.Configure<HealthMonitorOptions>(o => o.Components.TryAdd(name, new HealthComponentOptions()));
        configure(new HealthComponentBuilder(name, builder.Services));
        return builder;
    }

    /// <summary>
    /// Declares the process as a health component (<see cref="ProcessHealthOptions.Component"/>, default <c>process</c>),
    /// measured on a thread of its own every <see cref="ProcessHealthOptions.Interval"/>: <c>cpu</c> (percent of the
    /// machine), <c>memory</c> (the GC's memory load, percent of what it may use), <c>heapMB</c>,
    /// <c>threadPoolDelayMs</c> (the longest wait of a work item for a pool thread) and <c>threadPoolQueue</c>. Because
    /// its thread is not the pool's, thread-pool starvation is seen while it lasts. Default thresholds:
    /// <c>threadPoolDelayMs</c> Degraded at 250 ms and Critical at 1 s (one sample), <c>memory</c> Degraded at 85 % and
    /// Critical at 95 % (two samples), <c>cpu</c> Degraded at 95 % (five samples); declare the component again
    /// (<c>AddHealthComponent("process", ...)</c>) to change them or add others. Declare it as a dependency of the
    /// components that run in the process, so its trouble is named as their root cause. Idempotent per name.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the name and the interval.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names each one.</exception>
    public static ISelfHealingBuilder AddProcessHealth(this ISelfHealingBuilder builder, Action<ProcessHealthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ProcessHealthOptions();
        configure?.Invoke(options);
        options.ThrowIfInvalid();
        if (builder.Services.Any(d => d.ServiceType == typeof(ProcessHealthOptions) && d.ImplementationInstance is ProcessHealthOptions o && o.Component == options.Component))
        {
            return builder;
        }

        builder.Services.AddSingleton(options);
        builder.AddHealthComponent(options.Component, component => component
            .Interval(options.Interval)
            .Threshold(HealthMetricNames.ThreadPoolDelay, t => Levels(t, 250, 1000, samples: 1))
            .Threshold(HealthMetricNames.Memory, t => Levels(t, 85, 95, samples: 2))
            .Threshold(HealthMetricNames.Cpu, t => Levels(t, 95, null, samples: 5)));
        builder.Services.AddSingleton<IHostedService>(sp => new ProcessHealthSampler(sp.GetRequiredService<HealthMonitor>(), options, sp.GetRequiredService<TimeProvider>()));
        return builder;

        static void Levels(MetricThreshold threshold, double degraded, double? critical, int samples)
        {
            threshold.Degraded ??= degraded;
            threshold.Critical ??= critical;
            threshold.SamplesToWorsen = samples;
        }
    }

    /// <summary>Sends health alerts to <typeparamref name="TSink"/> (resolved from the container, or created with its dependencies).</summary>
    /// <typeparam name="TSink">The sink.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="route">Chooses which alerts it receives (by default every one).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddHealthAlertSink<TSink>(this ISelfHealingBuilder builder, Action<HealthAlertRoute>? route = null)
        where TSink : class, IHealthAlertSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        HealthAlertRoute chosen = Route(route);
        builder.AddHealthMonitor();
        builder.Services.AddSingleton(sp => new HealthAlertSinkRegistration(ActivatorUtilities.GetServiceOrCreateInstance<TSink>(sp), chosen));
        return builder;
    }

    /// <summary>Sends health alerts to <paramref name="sink"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sink">The sink.</param>
    /// <param name="route">Chooses which alerts it receives (by default every one).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddHealthAlertSink(this ISelfHealingBuilder builder, IHealthAlertSink sink, Action<HealthAlertRoute>? route = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.AddHealthMonitor();
        builder.Services.AddSingleton(new HealthAlertSinkRegistration(sink, Route(route)));
        return builder;
    }

    /// <summary>
    /// Adds a health check per component showing the monitor's view of it (see
    /// <see cref="HealthMonitorOptions.ExposeComponentChecks"/>), except for SelfHealing's own checks, which already
    /// show SelfHealing's state.
    /// </summary>
    internal static void AddComponentHealthChecks(IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HealthCheckServiceOptions>, ComponentChecks>());

    private static HealthAlertRoute Route(Action<HealthAlertRoute>? configure)
    {
        var route = new HealthAlertRoute();
        configure?.Invoke(route);
        if (!Enum.IsDefined(route.MinimumSeverity))
        {
            throw new ArgumentException($"{nameof(HealthAlertRoute.MinimumSeverity)} is {route.MinimumSeverity}; allowed: {string.Join(", ", Enum.GetNames<AlertSeverity>())}.", nameof(configure));
        }

        return route;
    }

    private sealed class ComponentChecks(IOptions<HealthMonitorOptions> monitorOptions) : IPostConfigureOptions<HealthCheckServiceOptions>
    {
        public void PostConfigure(string? name, HealthCheckServiceOptions options)
        {
            HealthMonitorOptions monitor = monitorOptions.Value;
            if (!monitor.ExposeComponentChecks)
            {
                return;
            }

            IEnumerable<string> components = options.Registrations
                .Where(r => !r.Tags.Contains(SelfHealingServiceCollectionExtensions.HealthCheckTag)) // ours already show our state
                .Where(r => HealthMonitor.Watches(r, monitor))
                .Select(r => r.Name)
                .Union(monitor.Components.Keys, StringComparer.Ordinal)
                .ToList();
            foreach (string component in components)
            {
                options.Registrations.Add(new HealthCheckRegistration(
                    ComponentHealthCheckPrefix + component,
                    sp => new HealthMonitorHealthCheck(sp.GetRequiredService<HealthMonitor>(), component),
                    failureStatus: null,
                    tags: [SelfHealingServiceCollectionExtensions.HealthCheckTag, HealthMonitor.OwnCheckTag]));
            }
        }
    }
}
