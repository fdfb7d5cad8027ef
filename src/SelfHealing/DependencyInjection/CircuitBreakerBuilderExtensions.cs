using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Health;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Declares circuit breakers on an <see cref="ISelfHealingBuilder"/>.</summary>
public static class CircuitBreakerBuilderExtensions
{
    /// <summary>The prefix of each declared breaker's health check name (<c>circuit-breaker:payments</c>).</summary>
    public const string HealthCheckPrefix = CircuitBreaker.SourcePrefix;

    /// <summary>
    /// Declares the breaker <paramref name="name"/>: its options come from <paramref name="configure"/>, then
    /// from the configuration section <c>SelfHealing:CircuitBreakers:{name}</c> (which wins, and reloads at
    /// runtime). The breaker is created at host start, validated there (a bad option stops start-up with a
    /// message naming the key, the value and the allowed range), reported by the health check
    /// <c>circuit-breaker:{name}</c>, and can be injected with <c>[FromKeyedServices("{name}")] CircuitBreaker</c>.
    /// Declaring a name again adds <paramref name="configure"/> to the earlier configuration.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The breaker's name: letters, digits, '-', '_', '.' and '/'.</param>
    /// <param name="configure">Sets the options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid.</exception>
    public static ISelfHealingBuilder AddCircuitBreaker(this ISelfHealingBuilder builder, string name, Action<CircuitBreakerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ComponentNames.ThrowIfInvalid(name, nameof(name));
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        var declared = (DeclaredCircuitBreakers?)services.LastOrDefault(d => d.ServiceType == typeof(DeclaredCircuitBreakers))?.ImplementationInstance
            ?? throw new InvalidOperationException("Call services.AddSelfHealing() or services.AddSelfHealingCore() before declaring circuit breakers.");
        if (!declared.Add(name))
        {
            return builder;
        }

        services.AddOptions<CircuitBreakerOptions>(name).ValidateOnStart();
        services.TryAddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate(name));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckPrefix + name,
            sp => new CircuitBreakerHealthCheck(sp.GetRequiredService<CircuitBreakerRegistry>(), name),
            failureStatus: null,
            tags: [SelfHealingServiceCollectionExtensions.HealthCheckTag, HealthMonitor.BreakerStateTag]));
        return builder;
    }
}
