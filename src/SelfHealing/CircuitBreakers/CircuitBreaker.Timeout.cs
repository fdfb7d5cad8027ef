namespace SelfHealing.CircuitBreakers;

/// <summary>The per-call timeout (<see cref="CircuitBreakerOptions.Timeout"/>).</summary>
public sealed partial class CircuitBreaker
{
    /// <summary>
    /// Runs an admitted call with a timeout on the breaker's clock: the operation gets a token cancelled when the
    /// timeout passes (or the caller cancels), and the caller gets its answer by then even if the operation ignores
    /// the token.
    /// </summary>
    private ValueTask<CircuitBreakerResult<TResult>> ExecuteWithTimeoutAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        long word,
        long started,
        CircuitBreakerSettings settings,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        CallTimeout limit = CallTimeout.Start(_time, timeout);
        ValueTask<TResult> pending;
        try
        {
            pending = operation(state, limit.Token);
        }
#pragma warning disable CA1031 // Every exception of the protected call is an outcome to classify.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            bool timedOut = limit.TimedOut(cancellationToken);
            limit.End();
            return new(timedOut
                ? CompleteTimedOut<TResult>(exception, word, started, settings, timeout)
                : CompleteWithException<TResult>(exception, word, started, settings, cancellationToken));
        }

        if (pending.IsCompletedSuccessfully)
        {
            TResult value = pending.Result;
            limit.End();
            return new(CompleteWithValue(value, word, started, settings));
        }

        // Only a call still running needs the caller's cancellation forwarded: one that ended synchronously costs no
        // registration. A cancellation that came meanwhile is forwarded at once by the registration.
        limit.Follow(cancellationToken);
        return AwaitWithTimeoutAsync(pending.AsTask(), limit, word, started, settings, timeout, cancellationToken);
    }

    private async ValueTask<CircuitBreakerResult<TResult>> AwaitWithTimeoutAsync<TResult>(
        Task<TResult> task,
        CallTimeout limit,
        long word,
        long started,
        CircuitBreakerSettings settings,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        TResult value;
        try
        {
            value = await task.WaitAsync(limit.Token).ConfigureAwait(false);
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

            bool timedOut = limit.TimedOut(cancellationToken);
            limit.End();
            return timedOut
                ? CompleteTimedOut<TResult>(exception, word, started, settings, timeout)
                : CompleteWithException<TResult>(exception, word, started, settings, cancellationToken);
        }

        limit.End();
        return CompleteWithValue(value, word, started, settings);
    }

    private CircuitBreakerResult<TResult> CompleteTimedOut<TResult>(Exception exception, long word, long started, CircuitBreakerSettings settings, TimeSpan timeout)
    {
        Complete(CallOutcome.Timeout, word, started, settings);
        return CircuitBreakerResult<TResult>.Failed(new CircuitTimeoutException(Name, timeout, exception), CallOutcome.Timeout);
    }

    /// <summary>
    /// One call's timeout: a token cancelled when the timeout passes or, once <see cref="Follow"/> is called, the caller
    /// cancels. On the system clock the source is reused by the next call on the same thread once this one ended without
    /// cancellation, so a call that completes in time allocates no timer; on any other clock (a test's fake one) each
    /// call has its own.
    /// </summary>
#pragma warning disable CA1001 // End() disposes the source, or keeps it for the next call when it can be reused.
    private sealed class CallTimeout
#pragma warning restore CA1001
    {
        [ThreadStatic]
        private static CallTimeout? t_spare;

        private CancellationTokenSource _source = null!;
        private CancellationTokenRegistration _caller;
        private bool _reusable;

        public CancellationToken Token => _source.Token;

        public static CallTimeout Start(TimeProvider time, TimeSpan timeout)
        {
            CallTimeout limit;
            if (ReferenceEquals(time, TimeProvider.System))
            {
                limit = t_spare ?? new CallTimeout { _source = new CancellationTokenSource(), _reusable = true };
                t_spare = null;
                limit._source.CancelAfter(timeout);
            }
            else
            {
                limit = new CallTimeout { _source = new CancellationTokenSource(timeout, time) };
            }

            return limit;
        }

        /// <summary>Forwards the caller's cancellation to the token (at once when it already happened).</summary>
        public void Follow(CancellationToken caller)
        {
            if (caller.CanBeCanceled)
            {
                _caller = caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source);
            }
        }

        /// <summary>Whether the call ended because of the timeout rather than the caller.</summary>
        public bool TimedOut(CancellationToken caller) => _source.IsCancellationRequested && !caller.IsCancellationRequested;

        /// <summary>The call ended: stop the timer and keep the source for the next call when it was never cancelled.</summary>
        public void End()
        {
            _caller.Dispose();
            _caller = default;
            if (_reusable && _source.TryReset())
            {
                t_spare = this;
                return;
            }

            _source.Dispose();
        }
    }
}
