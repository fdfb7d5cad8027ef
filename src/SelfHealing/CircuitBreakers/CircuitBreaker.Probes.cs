namespace SelfHealing.CircuitBreakers;

/// <summary>The half-open deadline: a probe that has not completed within <see cref="CircuitBreakerOptions.HalfOpenMaxWait"/> counts as failed.</summary>
public sealed partial class CircuitBreaker
{
    /// <summary>Called after a probe is admitted (at most <see cref="CircuitBreakerOptions.HalfOpenProbes"/> times per half-open period): the deadline moves to now plus the wait.</summary>
    private void ArmProbeDeadline(long word)
    {
        if (Volatile.Read(ref _settings).HalfOpenMaxWait is not { } wait)
        {
            return;
        }

        lock (_gate)
        {
            if (_word != word || _disposed)
            {
                return;
            }

            _openWord = word;
            _breakTimer ??= _time.CreateTimer(static self => ((CircuitBreaker)self!).OnBreakElapsed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _breakTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The deadline passed (read under the lock): the figures of a reopening when a probe admitted in this half-open period has not completed, else null.</summary>
    private CircuitTransitionDetails? ProbeDeadlinePassed(long word)
    {
        long admissions = Volatile.Read(ref _probeAdmissions);
        long results = Volatile.Read(ref _probeResults);
        int admitted = (uint)(admissions >>> 32) == (uint)(word >>> StateBits) ? (int)(admissions & 0xFFFFFFFF) : 0;
        int succeeded = (int)((results >>> ProbeCountBits) & ProbeCountMask);
        int failed = (int)(results & ProbeCountMask);
        if (admitted <= succeeded + failed)
        {
            return null; // every admitted probe has answered; the circuit waits for more traffic
        }

        return new CircuitTransitionDetails(ProbesSucceeded: succeeded, ProbesFailed: admitted - succeeded, ProbesRequired: Volatile.Read(ref _probeSuccessesNeeded), ProbeLimit: Volatile.Read(ref _probeLimit));
    }
}
