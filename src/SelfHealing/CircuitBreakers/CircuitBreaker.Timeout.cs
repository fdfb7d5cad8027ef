namespace SelfHealing.CircuitBreakers;

/// <summary>The per-call timeout (<see cref="CircuitBreakerOptions.Timeout"/>).</summary>
public sealed partial class CircuitBreaker
{
    /// <summary>
    /// Runs an admitted call with a timeout on the breaker's clock: the operation gets a token cancelled when the
    /// timeout passes (or the caller cancels), and the caller gets its answer by then even if the operation ignores
    /// the token.
    /// </summary>
    private async ValueTask<CircuitBreakerResult<TResult>> ExecuteWithTimeoutAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        long word,
        long started,
        CircuitBreakerSettings settings,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        Task<TResult> task;
        try
        {
            ValueTask<TResult> pending = operation(state, linked.Token);
            if (pending.IsCompletedSuccessfully)
            {
                return CompleteWithValue(pending.Result, word, started, settings);
            }

            task = pending.AsTask();
        }
#pragma warning disable CA1031 // Every exception of the protected call is an outcome to classify.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return TimedOut(timer, cancellationToken)
                ? CompleteTimedOut<TResult>(exception, word, started, settings, timeout)
                : CompleteWithException<TResult>(exception, word, started, settings, cancellationToken);
        }

        TResult value;
        try
        {
            value = await task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every exception of the protected call is an outcome to classify.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            if (!task.IsCompleted)
            {
                // The operation ignores its token: observe its end so a late exception is not left unobserved.
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return TimedOut(timer, cancellationToken)
                ? CompleteTimedOut<TResult>(exception, word, started, settings, timeout)
                : CompleteWithException<TResult>(exception, word, started, settings, cancellationToken);
        }

        return CompleteWithValue(value, word, started, settings);
    }

    private static bool TimedOut(CancellationTokenSource timer, CancellationToken cancellationToken) =>
        timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    private CircuitBreakerResult<TResult> CompleteTimedOut<TResult>(Exception exception, long word, long started, CircuitBreakerSettings settings, TimeSpan timeout)
    {
        Complete(CallOutcome.Timeout, word, started, settings);
        return CircuitBreakerResult<TResult>.Failed(new CircuitTimeoutException(Name, timeout, exception), CallOutcome.Timeout);
    }
}
