using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Storage;
using SelfHealing.Telemetry;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers SelfHealing in an <see cref="IServiceCollection"/>.</summary>
public static class SelfHealingServiceCollectionExtensions
{
    /// <summary>The health check that reports every breaker in the registry.</summary>
    public const string CircuitBreakersHealthCheckName = HealthMonitor.AllBreakersCheckName;

    /// <summary>The health check that shows the health monitor's view: the worst component level and each component's.</summary>
    public const string HealthMonitorHealthCheckName = "selfhealing-health";

    /// <summary>The tag on every health check SelfHealing registers, for <c>MapHealthChecks</c> predicates.</summary>
    public const string HealthCheckTag = HealthMonitor.LibraryTag;

    /// <summary>
    /// Adds the whole SelfHealing loop: what <see cref="AddSelfHealingCore"/> adds, plus the metrics collector, the health
    /// monitor, adaptive configuration, the recovery manager and <see cref="ISelfHealing"/>, started and stopped with the
    /// host. Calling it again, or after any of the feature calls, adds nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Declares components, for example <c>b =&gt; b.AddCircuitBreaker("payments")</c>.</param>
    /// <returns>The builder, for further configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddSelfHealing(this IServiceCollection services, Action<ISelfHealingBuilder>? configure = null)
    {
        ISelfHealingBuilder builder = services.AddSelfHealingCore().AddRecovery();
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// Adds SelfHealing's passive core and nothing that runs in the background: the event hub, the breaker registry and
    /// the declared breakers with their health checks and meter instruments, the state store (in memory) and the hosted
    /// service that creates the declared breakers at start. Add more with the feature calls on the builder
    /// (<c>AddMetricsCollector</c>, <c>AddHealthMonitor</c>, <c>AddAdaptiveConfiguration</c>, <c>AddRecovery</c>), each
    /// bringing what it needs; declaring a healable component, a health component, a parameter or a supervisor adds its
    /// feature too. Calling it again adds nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Declares components, for example <c>b =&gt; b.AddCircuitBreaker("payments")</c>.</param>
    /// <returns>The builder, for further configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddSelfHealingCore(this IServiceCollection services, Action<ISelfHealingBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new SelfHealingBuilder(services);
        if (!services.Any(d => d.ServiceType == typeof(DeclaredCircuitBreakers)))
        {
            AddCoreServices(services);
        }

        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Configures the event hub's buffers (also bound from <c>SelfHealing:Events</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder ConfigureEvents(this ISelfHealingBuilder builder, Action<EventHubOptions> configure) => builder.ConfigureOptions(configure);

    /// <summary>Configures the metrics collector (also bound from <c>SelfHealing:Metrics</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder ConfigureMetrics(this ISelfHealingBuilder builder, Action<MetricsCollectorOptions> configure) => builder.ConfigureOptions(configure);

    /// <summary>Configures the health monitor (also bound from <c>SelfHealing:Health</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder ConfigureHealth(this ISelfHealingBuilder builder, Action<HealthMonitorOptions> configure) => builder.ConfigureOptions(configure);

    /// <summary>Adds <paramref name="configure"/> to a component's options.</summary>
    internal static ISelfHealingBuilder ConfigureOptions<TOptions>(this ISelfHealingBuilder builder, Action<TOptions> configure)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    private static void AddCoreServices(IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetService<IMeterFactory>() is { } factory
            ? new SelfHealingInstrumentation(factory)
            : SelfHealingInstrumentation.Shared);

        services.AddSingleton(new DeclaredCircuitBreakers());
        services.AddSingleton(new SelfHealingFeatures());

        AddSectionOptions<EventHubOptions, EventHubOptionsValidator>(services, EventHubOptionsValidator.Section);
        services.TryAddSingleton(sp => new EventHub(
            sp.GetRequiredService<IOptions<EventHubOptions>>(),
            sp.GetService<ILogger<EventHub>>() ?? NullLogger<EventHub>.Instance,
            sp.GetRequiredService<SelfHealingInstrumentation>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEventHub>(sp => sp.GetRequiredService<EventHub>());

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CircuitBreakerOptions>, CircuitBreakerOptionsValidator>());
        services.TryAddSingleton<IOptionsFactory<CircuitBreakerOptions>>(sp => new LastGoodOptionsFactory<CircuitBreakerOptions>(sp));
        services.AddSingleton<IPostConfigureOptions<CircuitBreakerOptions>>(sp =>
            new OptionalConfigurationBinder<CircuitBreakerOptions>(sp, name => $"{CircuitBreakerDefaults.ConfigurationSection}:{name}"));
        services.TryAddSingleton(sp => new CircuitBreakerRegistry(
            sp.GetRequiredService<IOptionsFactory<CircuitBreakerOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetRequiredService<SelfHealingInstrumentation>(),
            sp.GetService<IConfiguration>())
        {
            Faults = sp.GetService<CallFaults>(),
        });
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            CircuitBreakersHealthCheckName,
            sp => new CircuitBreakerHealthCheck(sp.GetRequiredService<CircuitBreakerRegistry>()),
            failureStatus: null,
            tags: [HealthCheckTag, HealthMonitor.BreakerStateTag]));

        services.TryAddSingleton(sp => new QuietHealthCheckService(
            sp.GetRequiredService<IOptions<HealthCheckServiceOptions>>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IStateStore, InMemoryStateStore>();

        // One hosted service starts the features that are on, in a fixed order whatever order they were added in
        // (adaptive configuration first, so restored values are in force; recovery last), and stops them in reverse
        // before it completes the hub, so their last events are delivered.
        services.AddHostedService<SelfHealingHostedService>();
    }

    /// <summary>
    /// Registers the options of a component the way SelfHealing's own are: validated at start by
    /// <typeparamref name="TValidator"/>, bound from <paramref name="section"/> when the app has configuration
    /// (after code, so configuration wins), and seen anew by <see cref="IOptionsMonitor{TOptions}"/> when the
    /// configuration reloads. For packages that extend SelfHealing.
    /// </summary>
    /// <typeparam name="TOptions">The options.</typeparam>
    /// <typeparam name="TValidator">Their validator.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, for example <c>SelfHealing:Sqlite</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSelfHealingOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationType == typeof(TValidator)))
        {
            AddSectionOptions<TOptions, TValidator>(services, section);
        }

        return services;
    }

    // Options of a single component: validated at start, bound from their section when the app has configuration,
    // and seen anew by IOptionsMonitor when the configuration reloads.
    internal static void AddSectionOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddSingleton<IOptionsFactory<TOptions>>(sp => new LastGoodOptionsFactory<TOptions>(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.AddSingleton<IPostConfigureOptions<TOptions>>(sp => new OptionalConfigurationBinder<TOptions>(sp, _ => section));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => new OptionalConfigurationChangeTokenSource<TOptions>(sp));
    }
}
