using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
