using Microsoft.Extensions.Logging;
using SelfHealing.CircuitBreakers.Health;
using SelfHealing.Telemetry;

namespace SelfHealing.CircuitBreakers;

// The state machine: admitting calls outside Closed, recording outcomes into the window, deciding transitions
// under the lock, half-open probes, the break timer, the adaptive threshold.
public sealed partial class CircuitBreaker
{
    /// <summary>Admits a call when the state is not Closed. Updates <paramref name="word"/> to the state that decided.</summary>
    private bool TryAdmit(ref long word)
    {
        while (true)
        {
            switch (StateOf(word))
            {
                case CircuitState.Closed:
                case CircuitState.Disabled:
                    return true;
                case CircuitState.HalfOpen:
                    long admissions = Volatile.Read(ref _probeAdmissions);
                    if ((uint)(admissions >>> 32) != (uint)(word >>> StateBits))
                    {
                        // The half-open period this caller saw is over; look again.
                        word = Volatile.Read(ref _word);
                        continue;
                    }

                    if ((int)(admissions & 0xFFFFFFFF) >= Volatile.Read(ref _probeLimit))
                    {
                        return false;
                    }

                    if (Interlocked.CompareExchange(ref _probeAdmissions, admissions + 1, admissions) == admissions)
                    {
                        ArmProbeDeadline(word);
                        return true;
                    }

                    continue;
                default:
                    return false;
            }
        }
    }

    private void Complete(CallOutcome outcome, long word, long started, CircuitBreakerSettings settings)
    {
        CountCall(outcome);
        if (started != 0)
        {
            RecordDuration(outcome, started);
        }

        CircuitState state = StateOf(word);
        if (outcome == CallOutcome.Ignored)
        {
            if (state == CircuitState.HalfOpen)
            {
                ReleaseProbe(word);
            }

            return;
        }

        bool failed = outcome != CallOutcome.Success;
        bool slow = settings.TracksDuration && _time.GetTimestamp() - started >= settings.SlowTicks;

        if (state == CircuitState.HalfOpen)
        {
            RecordProbe(word, succeeded: !failed && !slow);
            return;
        }

        if (Volatile.Read(ref _word) != word)
        {
            // Admitted under a state that has since ended; its outcome says nothing about the new one.
            return;
        }

        HealthWindow window = Volatile.Read(ref _window);
        window.Record(failed, slow);
        if (failed)
        {
            long inRow = Interlocked.Increment(ref _failuresInRow);
            if (state == CircuitState.Closed && settings.ConsecutiveFailuresToOpen > 0 && inRow >= settings.ConsecutiveFailuresToOpen)
            {
                Transition(word, CircuitState.Open, CircuitTransitionCause.ConsecutiveFailures, window.Read().FailureRatio, new CircuitTransitionDetails(Calls: inRow));
                return;
            }
        }
        else if (Volatile.Read(ref _failuresInRow) != 0)
        {
            // Read first: a shared write on every success would cost the closed path under contention.
            Volatile.Write(ref _failuresInRow, 0);
        }

        if ((failed || slow) && state == CircuitState.Closed)
        {
            Evaluate(word, window, settings);
        }
    }

    private void Evaluate(long word, HealthWindow window, CircuitBreakerSettings settings)
    {
        WindowCounts counts = window.Read();
        if (counts.Total < settings.MinimumThroughput)
        {
            return;
        }

        double threshold = CurrentThreshold(settings);
        if (counts.FailureRatio >= threshold)
        {
            Transition(word, CircuitState.Open, CircuitTransitionCause.FailureRatio, counts.FailureRatio, new CircuitTransitionDetails(counts.Total, counts.SlowRatio, threshold));
        }
        else if (settings.TracksDuration && counts.SlowRatio >= settings.SlowCallRatio)
        {
            Transition(word, CircuitState.Open, CircuitTransitionCause.SlowCallRatio, counts.FailureRatio, new CircuitTransitionDetails(counts.Total, counts.SlowRatio, settings.SlowCallRatio));
        }
    }

    private void ReleaseProbe(long word)
    {
        uint generation = (uint)(word >>> StateBits);
        while (true)
        {
            long admissions = Volatile.Read(ref _probeAdmissions);
            if ((uint)(admissions >>> 32) != generation || (admissions & 0xFFFFFFFF) == 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _probeAdmissions, admissions - 1, admissions) == admissions)
            {
                return;
            }
        }
    }

    private void RecordProbe(long word, bool succeeded)
    {
        long generation = (word >>> StateBits) & 0xFFFFFF;
        long results;
        while (true)
        {
            long current = Volatile.Read(ref _probeResults);
            if (current >>> 40 != generation)
            {
                return; // the half-open period this probe belonged to is over
            }

            results = current + (succeeded ? 1L << ProbeCountBits : 1L);
            if (Interlocked.CompareExchange(ref _probeResults, results, current) == current)
            {
                break;
            }
        }

        long successes = (results >>> ProbeCountBits) & ProbeCountMask;
        long failures = results & ProbeCountMask;
        int limit = Volatile.Read(ref _probeLimit);
        int needed = Volatile.Read(ref _probeSuccessesNeeded);
        if (successes >= needed || failures > limit - needed)
        {
            var details = new CircuitTransitionDetails(ProbesSucceeded: (int)successes, ProbesFailed: (int)failures, ProbesRequired: needed, ProbeLimit: limit);
            if (successes >= needed)
            {
                Transition(word, CircuitState.Closed, CircuitTransitionCause.ProbesSucceeded, 0, details);
            }
            else
            {
                Transition(word, CircuitState.Open, CircuitTransitionCause.ProbesFailed, (double)failures / (successes + failures), details);
            }
        }
    }

    private bool TransitionUnderLock(long expected, CircuitState to, CircuitTransitionCause cause, double failureRatio, in CircuitTransitionDetails details)
    {
        lock (_gate)
        {
            long current = _word;
            if (expected != AnyWord && current != expected)
            {
                return false;
            }

            CircuitState from = StateOf(current);
            if (from == to)
            {
                if (to == CircuitState.Closed)
                {
                    Volatile.Read(ref _window).Reset();
                    _consecutiveOpenings = 0;
                }

                return false;
            }

            CircuitBreakerSettings settings = Volatile.Read(ref _settings);
            long next = ((((current >>> StateBits) + 1) << StateBits) & long.MaxValue) | (long)to;
            TimeSpan? breakDuration = null;
            switch (to)
            {
                case CircuitState.Closed:
                    Volatile.Read(ref _window).Reset();
                    _consecutiveOpenings = 0;
                    break;
                case CircuitState.Open:
                    _consecutiveOpenings++;
                    TimeSpan duration = ComputeBreakDuration(settings, failureRatio);
                    breakDuration = duration;
                    Volatile.Write(ref _openUntil, _time.GetTimestamp() + ToTimestampRoundedUp(duration, _time.TimestampFrequency));
                    break;
                case CircuitState.HalfOpen:
                    Volatile.Write(ref _probeLimit, settings.HalfOpenProbes);
                    Volatile.Write(ref _probeSuccessesNeeded, settings.ProbeSuccessesNeeded);
                    Volatile.Write(ref _probeAdmissions, (long)(uint)(next >>> StateBits) << 32);
                    Volatile.Write(ref _probeResults, ((next >>> StateBits) & 0xFFFFFF) << 40);
                    break;
            }

            Volatile.Write(ref _word, next);
            Volatile.Write(ref _failuresInRow, 0);
            ScheduleBreak(next, breakDuration);
            DateTimeOffset at = _time.GetUtcNow();
            _lastTransition = at;

            // The hub and the meter take the transition under the lock (neither blocks), so they see transitions in
            // order; the user's callback and the log get it in the same order after the lock is released.
            Action<CircuitStateChanged>? callback = settings.OnStateChanged;
            CircuitStateChanged? change = null;
            if (_hub is not null || callback is not null)
            {
                change = new CircuitStateChanged(_source, at, Name, from, to, cause, failureRatio, breakDuration, details);
                _hub?.Publish(change);
            }

            if (_instrumentation.CircuitTransitions.Enabled)
            {
                _instrumentation.CircuitTransitions.Add(1, _nameTag, new KeyValuePair<string, object?>(SelfHealingMeter.StateTag, StateTagValues[(int)to]));
            }

            _notices.Enqueue(new Notice(change, callback, from, to, breakDuration, cause, failureRatio, details));
        }

        return true;
    }

    /// <summary>Arms the one break timer for an opening, or stops it for any other state. Called under the lock.</summary>
    private void ScheduleBreak(long word, TimeSpan? breakDuration)
    {
        if (_disposed)
        {
            return;
        }

        if (breakDuration is { } wait)
        {
            _openWord = word;
            _breakTimer ??= _time.CreateTimer(static self => ((CircuitBreaker)self!).OnBreakElapsed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _breakTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _breakTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    // One outage, one warning: opening from Closed warns; opening again after failed probes is the same outage.
    private void Log(CircuitState from, CircuitState to, TimeSpan? breakDuration, CircuitTransitionCause cause, double failureRatio, in CircuitTransitionDetails details)
    {
        bool reopened = to == CircuitState.Open && from == CircuitState.HalfOpen;
        LogLevel level = to is CircuitState.HalfOpen or CircuitState.Closed || reopened ? LogLevel.Information : LogLevel.Warning;
        if (!_logger.IsEnabled(level))
        {
            return; // the reason is only put into words for a logger that will write it
        }

        string reason = CircuitStateChanged.Describe(cause, failureRatio, details);
        switch (to)
        {
            case CircuitState.Open when reopened:
                LogReopened(_logger, Name, breakDuration!.Value, reason);
                break;
            case CircuitState.Open:
                LogOpened(_logger, Name, breakDuration!.Value, reason);
                break;
            case CircuitState.HalfOpen:
                LogHalfOpened(_logger, Name, reason);
                break;
            case CircuitState.Closed:
                LogClosed(_logger, Name, reason);
                break;
            default:
                LogManualState(_logger, Name, to, reason);
                break;
        }
    }

    private void OnBreakElapsed()
    {
        long word;
        CircuitTransitionDetails? hungProbe = null;
        lock (_gate)
        {
            word = _word;
            if (word != _openWord || _disposed)
            {
                return;
            }

            if (StateOf(word) == CircuitState.HalfOpen)
            {
                hungProbe = ProbeDeadlinePassed(word);
                if (hungProbe is null)
                {
                    return;
                }
            }
            else if (StateOf(word) != CircuitState.Open)
            {
                return;
            }

            // Timers may fire a little early (the system clock's timers by up to a few milliseconds): no probe is
            // admitted before the break has elapsed by the breaker's own clock, so wait for the rest.
            long remaining = hungProbe is null ? Volatile.Read(ref _openUntil) - _time.GetTimestamp() : 0;
            if (remaining > 0)
            {
                _breakTimer?.Change(TimeSpan.FromTicks(Math.Max(ToTicksRoundedUp(remaining, _time.TimestampFrequency), TimeSpan.TicksPerMillisecond)), Timeout.InfiniteTimeSpan);
                return;
            }
        }

        if (hungProbe is { } details)
        {
            Transition(word, CircuitState.Open, CircuitTransitionCause.ProbesTimedOut, 1.0, details);
            return;
        }

        Transition(word, CircuitState.HalfOpen, CircuitTransitionCause.BreakElapsed, ReadWindow().FailureRatio, default);
    }

    private TimeSpan ComputeBreakDuration(CircuitBreakerSettings settings, double failureRatio)
    {
        if (settings.BreakDurationGenerator is not { } generator)
        {
            return settings.BreakDuration;
        }

        TimeSpan? generated = null;
        try
        {
            generated = generator(new BreakDurationArguments(Name, _consecutiveOpenings, settings.BreakDuration, failureRatio));
            if (generated >= CircuitBreakerDefaults.MinDuration && generated <= CircuitBreakerDefaults.MaxDuration)
            {
                return generated.Value;
            }

            LogBadBreakDuration(_logger, null, Name, generated, settings.BreakDuration);
        }
#pragma warning disable CA1031 // A faulty generator falls back to the configured duration.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogBadBreakDuration(_logger, exception, Name, generated, settings.BreakDuration);
        }

        return settings.BreakDuration;
    }

    private double CurrentThreshold(CircuitBreakerSettings settings) =>
        Volatile.Read(ref _baseline) is { } baseline ? baseline.Threshold : settings.FailureRatio;

    private void ConfigureBaseline(CircuitBreakerSettings settings, HealthWindow window, AdaptiveBaseline? previous = null)
    {
        if (!settings.Adaptive.Enabled)
        {
            window.BucketCompleted = null;
            Volatile.Write(ref _baseline, null);
            return;
        }

        AdaptiveBaseline baseline = previous ?? new AdaptiveBaseline(settings.FailureRatio);
        baseline.Refresh(settings);
        window.BucketCompleted = (calls, failures) => baseline.Observe(calls, failures, Volatile.Read(ref _settings));
        Volatile.Write(ref _baseline, baseline);
    }

    private WindowCounts ReadWindow() => Volatile.Read(ref _window).Read();
}
