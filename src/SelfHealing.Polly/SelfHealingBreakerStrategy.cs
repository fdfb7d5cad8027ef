using Polly;
using SelfHealing.CircuitBreakers;
using PollyBroken = Polly.CircuitBreaker.BrokenCircuitException;
using PollyIsolated = Polly.CircuitBreaker.IsolatedCircuitException;

namespace SelfHealing.Polly;

/// <summary>
/// Runs a Polly pipeline's callback through a SelfHealing <see cref="CircuitBreaker"/>: the breaker counts the outcome
/// (its result classifiers see the callback's result, its exception classification the callback's exception) and
/// rejects calls while open, which the pipeline sees as Polly's <see cref="PollyBroken"/> (or
/// <see cref="PollyIsolated"/>) so Polly's retry and fallback strategies treat them as they treat their own breaker's.
/// A rejection is returned as an outcome, never thrown, and its messages are built once.
/// </summary>
internal sealed class BreakerStrategyCore(CircuitBreaker breaker)
{
    private readonly string _open = $"The circuit '{breaker.Name}' is open; the call was rejected.";
    private readonly string _halfOpen = $"The circuit '{breaker.Name}' is half-open and its probes are taken; the call was rejected.";
    private readonly string _isolated = $"The circuit '{breaker.Name}' is isolated; the call was rejected.";

    public ValueTask<Outcome<TResult>> ExecuteAsync<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        ValueTask<CircuitBreakerResult<TResult>> pending = breaker.ExecuteAsync(
            static (call, _) => Unwrap(call.Callback(call.Context, call.State)),
            (Callback: callback, Context: context, State: state),
            context.CancellationToken);
        return pending.IsCompletedSuccessfully ? new(ToOutcome(pending.Result)) : AwaitAsync(pending);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(ValueTask<CircuitBreakerResult<TResult>> pending) =>
        ToOutcome(await pending.ConfigureAwait(false));

    // The breaker classifies exceptions it sees thrown: an outcome holding one is rethrown (with its original trace).
    private static ValueTask<TResult> Unwrap<TResult>(ValueTask<Outcome<TResult>> pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            Outcome<TResult> outcome = pending.Result;
            outcome.ThrowIfException();
            return new(outcome.Result!);
        }

        return UnwrapAsync(pending);
    }

    private static async ValueTask<TResult> UnwrapAsync<TResult>(ValueTask<Outcome<TResult>> pending)
    {
        Outcome<TResult> outcome = await pending.ConfigureAwait(false);
        outcome.ThrowIfException();
        return outcome.Result!;
    }

    private Outcome<TResult> ToOutcome<TResult>(CircuitBreakerResult<TResult> result)
    {
        if (result.HasValue)
        {
            return Outcome.FromResult(result.Value); // a success, or a result the breaker counted as a failure
        }

        if (result.RejectedState is not { } rejecting)
        {
            return Outcome.FromException<TResult>(result.Exception!);
        }

        return Outcome.FromException<TResult>(rejecting switch
        {
            CircuitState.Isolated => new PollyIsolated(_isolated),
            CircuitState.Open => new PollyBroken(_open, breaker.RetryAfter(rejecting) ?? TimeSpan.Zero),
            _ => new PollyBroken(_halfOpen),
        });
    }
}

/// <summary>The strategy of a <see cref="ResiliencePipeline"/>.</summary>
internal sealed class SelfHealingBreakerStrategyUntyped(CircuitBreaker breaker) : ResilienceStrategy
{
    private readonly BreakerStrategyCore _core = new(breaker);

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state) => _core.ExecuteAsync(callback, context, state);
}

/// <summary>The strategy of a <see cref="ResiliencePipeline{T}"/>.</summary>
internal sealed class SelfHealingBreakerStrategy<T>(CircuitBreaker breaker) : ResilienceStrategy<T>
{
    private readonly BreakerStrategyCore _core = new(breaker);

    protected override ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state) => _core.ExecuteAsync(callback, context, state);
}
