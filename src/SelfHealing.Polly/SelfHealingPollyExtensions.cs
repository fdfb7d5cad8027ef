using Polly;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Polly;

/// <summary>Adds a SelfHealing <see cref="CircuitBreaker"/> to a Polly v8 pipeline.</summary>
public static class SelfHealingPollyExtensions
{
    /// <summary>
    /// Adds <paramref name="breaker"/> as a strategy: each execution goes through it, with everything it does (several
    /// probes, slow calls, adaptive threshold, health checks, metrics, events, cluster-wide state) as when it is called
    /// directly. A rejection reaches the pipeline as Polly's <c>BrokenCircuitException</c> (with <c>RetryAfter</c>) or
    /// <c>IsolatedCircuitException</c>, whose message names the circuit; it is returned as the pipeline's outcome, never
    /// thrown and caught inside. Inside a pipeline, use Polly's
    /// timeout strategy for per-attempt timeouts: the breaker's own <see cref="CircuitBreakerOptions.Timeout"/> answers
    /// the caller on time but cannot cancel the callback, which reads the pipeline's token.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type.</typeparam>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="breaker">The breaker, for example from <see cref="CircuitBreakerRegistry.GetOrCreate"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static TBuilder AddSelfHealingCircuitBreaker<TBuilder>(this TBuilder builder, CircuitBreaker breaker)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.AddStrategy(_ => new SelfHealingBreakerStrategyUntyped(breaker), new SelfHealingBreakerStrategyOptions(breaker));
    }

    /// <summary>Adds <paramref name="breaker"/> as a strategy of a typed pipeline; see the untyped overload.</summary>
    /// <typeparam name="TResult">The pipeline's result type; the breaker's classifier for it (if any) counts results.</typeparam>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="breaker">The breaker.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ResiliencePipelineBuilder<TResult> AddSelfHealingCircuitBreaker<TResult>(this ResiliencePipelineBuilder<TResult> builder, CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.AddStrategy(_ => new SelfHealingBreakerStrategy<TResult>(breaker), new SelfHealingBreakerStrategyOptions(breaker));
    }

    /// <summary>The strategy's options as Polly sees them: its name in Polly's telemetry is the breaker's.</summary>
    private sealed class SelfHealingBreakerStrategyOptions : ResilienceStrategyOptions
    {
        public SelfHealingBreakerStrategyOptions(CircuitBreaker breaker) => Name = "SelfHealing.CircuitBreaker:" + breaker.Name;
    }
}
