using System.Collections.Concurrent;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Tells the user's <c>OnStateChanged</c> callback and the log about transitions outside the breaker's lock, in the
/// order they happened: a transition queues its notice under the lock; after the lock, one thread at a time delivers
/// the queue. A callback may then use this breaker or take any other lock (configuration, another breaker) without a
/// deadlock; a transition it causes is delivered after it returns.
/// </summary>
public sealed partial class CircuitBreaker
{
    private readonly ConcurrentQueue<Notice> _notices = new();
    private int _delivering;

    private bool Transition(long expected, CircuitState to, CircuitTransitionCause cause, double failureRatio, in CircuitTransitionDetails details)
    {
        bool changed = TransitionUnderLock(expected, to, cause, failureRatio, details);
        if (changed)
        {
            DeliverNotices();
        }

        return changed;
    }

    private void DeliverNotices()
    {
        // A notice queued while another thread delivers is delivered by that thread; the loop looks again after
        // letting go, so none is left behind.
        while (!_notices.IsEmpty && Interlocked.CompareExchange(ref _delivering, 1, 0) == 0)
        {
            try
            {
                while (_notices.TryDequeue(out Notice notice))
                {
                    Deliver(notice);
                }
            }
            finally
            {
                Volatile.Write(ref _delivering, 0);
            }
        }
    }

    private void Deliver(in Notice notice)
    {
        if (notice.Callback is { } callback && notice.Change is { } change)
        {
            try
            {
                callback(change);
            }
#pragma warning disable CA1031 // A faulty callback must not undo or block the transition.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogCallbackFailed(_logger, exception, Name, notice.To);
            }
        }

        Log(notice.From, notice.To, notice.BreakDuration, notice.Cause, notice.FailureRatio, notice.Details);
    }

    private readonly record struct Notice(
        CircuitStateChanged? Change,
        Action<CircuitStateChanged>? Callback,
        CircuitState From,
        CircuitState To,
        TimeSpan? BreakDuration,
        CircuitTransitionCause Cause,
        double FailureRatio,
        CircuitTransitionDetails Details);
}
