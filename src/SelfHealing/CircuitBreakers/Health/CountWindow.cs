namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// The outcomes of the last N calls in a ring of one byte per call. A writer takes the next slot with an
/// atomic increment and swaps its outcome in; running totals are adjusted by what the swap replaced, so
/// they stay exact without a lock.
/// </summary>
internal sealed class CountWindow : HealthWindow
{
    private const byte Recorded = 1;
    private const byte FailureBit = 2;
    private const byte SlowBit = 4;

    private readonly byte[] _slots;
    private long _sequence;
    private long _recorded;
    private long _failures;
    private long _slow;

    public CountWindow(int size) => _slots = new byte[size];

    public override void Record(bool failure, bool slow)
    {
        long sequence = Interlocked.Increment(ref _sequence) - 1;
        byte next = (byte)(Recorded | (failure ? FailureBit : 0) | (slow ? SlowBit : 0));
        byte previous = Interlocked.Exchange(ref _slots[(int)(sequence % _slots.Length)], next);
        if (previous != next)
        {
            Apply(previous, next);
        }

        if (BucketCompleted is { } completed && (sequence + 1) % _slots.Length == 0)
        {
            completed(Volatile.Read(ref _recorded), Volatile.Read(ref _failures));
        }
    }

    public override WindowCounts Read()
    {
        long total = Volatile.Read(ref _recorded);
        return new WindowCounts(total, Math.Clamp(Volatile.Read(ref _failures), 0, total), Math.Clamp(Volatile.Read(ref _slow), 0, total));
    }

    public override void Reset()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            byte previous = Interlocked.Exchange(ref _slots[i], 0);
            if (previous != 0)
            {
                Apply(previous, 0);
            }
        }
    }

    public override void Seed(WindowCounts counts)
    {
        // Replays the carried-over counts as outcomes, failures and slow calls last so the most recent
        // ones survive when the new window is smaller.
        long total = Math.Min(counts.Total, _slots.Length);
        long failures = Math.Min(counts.Failures, total);
        long slow = Math.Min(counts.Slow, total);
        for (long i = 0; i < total; i++)
        {
            long fromEnd = total - i;
            Record(failure: fromEnd <= failures, slow: fromEnd <= slow);
        }
    }

    public override bool HasShape(CircuitBreakerSettings settings) =>
        settings.WindowKind == SlidingWindowKind.CountBased && settings.WindowSize == _slots.Length;

    public override void Dispose()
    {
        // Nothing to release: a count window has no timer.
    }

    private void Apply(byte previous, byte next)
    {
        int recorded = (next & Recorded) - (previous & Recorded);
        if (recorded != 0)
        {
            Interlocked.Add(ref _recorded, recorded);
        }

        int failures = ((next & FailureBit) - (previous & FailureBit)) >> 1;
        if (failures != 0)
        {
            Interlocked.Add(ref _failures, failures);
        }

        int slow = ((next & SlowBit) - (previous & SlowBit)) >> 2;
        if (slow != 0)
        {
            Interlocked.Add(ref _slow, slow);
        }
    }
}
