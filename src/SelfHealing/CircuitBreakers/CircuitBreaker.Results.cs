
namespace SelfHealing.CircuitBreakers;

// From a call's outcome to what each API returns: results, exceptions, fallbacks, and the slow path of a call
// that did not complete at once.
public sealed partial class CircuitBreaker
{
    /// <summary>A duration in timestamp units, exactly (integer arithmetic), rounded up so a break is never shorter than asked.</summary>
    private static long ToTimestampRoundedUp(TimeSpan duration, long frequency) =>
        (long)((((Int128)duration.Ticks * frequency) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);

    /// <summary>Timestamp units in ticks, exactly, rounded up so a caller told to retry after it finds the circuit no longer open.</summary>
    private static long ToTicksRoundedUp(long timestamp, long frequency) =>
        (long)((((Int128)timestamp * TimeSpan.TicksPerSecond) + frequency - 1) / frequency);

    private static ValueTask<TResult> ToValueTask<TResult>(in CircuitBreakerResult<TResult> result)
    {
        if (result.HasValue)
        {
            return new(result.Value);
        }

        return ValueTask.FromException<TResult>(result.Exception ?? result.Breaker!.CreateRejectionException(result.RejectedState!.Value));
    }

    private static ValueTask ToValueTask(in CircuitBreakerResult<NoResult> result) =>
        result.HasValue
            ? ValueTask.CompletedTask
            : ValueTask.FromException(result.Exception ?? result.Breaker!.CreateRejectionException(result.RejectedState!.Value));

    private static async ValueTask AwaitVoidOrThrowAsync(ValueTask<CircuitBreakerResult<NoResult>> pending)
    {
        CircuitBreakerResult<NoResult> result = await pending.ConfigureAwait(false);
        result.GetValueOrThrow();
    }

    private static async ValueTask<TResult> AwaitOrThrowAsync<TResult>(ValueTask<CircuitBreakerResult<TResult>> pending)
    {
        CircuitBreakerResult<TResult> result = await pending.ConfigureAwait(false);
        return result.GetValueOrThrow();
    }

    private async ValueTask<TResult> AwaitWithFallbackAsync<TResult>(ValueTask<CircuitBreakerResult<TResult>> pending, Fallback<TResult> fallback, CancellationToken cancellationToken)
    {
        CircuitBreakerResult<TResult> result = await pending.ConfigureAwait(false);
        return await Resolve(result, fallback, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<TResult> Resolve<TResult>(in CircuitBreakerResult<TResult> result, Fallback<TResult> fallback, CancellationToken cancellationToken)
    {
        if (result.IsSuccess)
        {
            if (fallback.ObservesSuccess)
            {
                fallback.OnSuccess(result.Value, _time);
            }

            return new(result.Value);
        }

        if (result.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromException<TResult>(result.Exception);
        }

        var arguments = new FallbackArguments(Name, result.Status, result.Exception, result.RejectedState);
        if (fallback.TryProvide(arguments, _time, cancellationToken, out ValueTask<TResult> answer))
        {
            return answer;
        }

        return result.HasValue
            ? new(result.Value)
            : ValueTask.FromException<TResult>(result.Exception ?? CreateRejectionException(result.RejectedState!.Value));
    }

    private async ValueTask<CircuitBreakerResult<TResult>> AwaitOutcomeAsync<TResult>(ValueTask<TResult> pending, long word, long started, CircuitBreakerSettings settings, CancellationToken cancellationToken)
    {
        TResult value;
        try
        {
            value = await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every exception of the protected call is an outcome to classify.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return CompleteWithException<TResult>(exception, word, started, settings, cancellationToken);
        }

        return CompleteWithValue(value, word, started, settings);
    }
}
