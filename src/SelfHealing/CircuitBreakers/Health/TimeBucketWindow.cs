using SelfHealing.Timing;

namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// A fixed ring of time buckets. Each bucket carries the number of the time slice it counts (its epoch);
/// a writer that finds a stale epoch claims the bucket with one compare-and-swap, clears it and publishes
/// the new epoch. Nothing is allocated after construction, and no lock is taken.
/// </summary>
/// <remarks>
/// Writers do not read the clock: a <see cref="BucketClock"/> keeps the current epoch while calls arrive
/// (a bucket that saw calls keeps it ticking), so an idle window costs nothing.
/// </remarks>
internal sealed class TimeBucketWindow : HealthWindow
{
    private const long Empty = -1;
    private const long Claimed = long.MinValue;

    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;
    private readonly TimeProvider _time;
    private readonly BucketClock _clock;

    public TimeBucketWindow(int bucketCount, long bucketTicks, TimeProvider time)
    {
        _buckets = new Bucket[bucketCount];
        _bucketTicks = bucketTicks;
        _time = time;
        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Epoch = Empty;
        }

        _clock = new BucketClock(bucketTicks, bucketCount, time, WasActive);
    }

    public override void Record(bool failure, bool slow)
    {
        long cursor = _clock.Cursor;
        long epoch = _clock.EpochOf(cursor);
        ref Bucket bucket = ref _buckets[BucketClock.SlotOf(cursor)];
        if (Volatile.Read(ref bucket.Epoch) != epoch)
        {
            Advance(ref bucket, epoch);
        }

        Interlocked.Increment(ref bucket.Total);
        if (failure)
        {
            Interlocked.Increment(ref bucket.Failures);
        }

        if (slow)
        {
            Interlocked.Increment(ref bucket.Slow);
        }
    }

    public override WindowCounts Read() => Read(_time.GetTimestamp());

    /// <summary>Reads the window that ends at <paramref name="timestamp"/>.</summary>
    public WindowCounts Read(long timestamp)
    {
        long newest = timestamp / _bucketTicks;
        long oldest = newest - _buckets.Length;
        long total = 0, failures = 0, slow = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            ref Bucket bucket = ref _buckets[i];
            long epoch = Volatile.Read(ref bucket.Epoch);
            if (epoch > oldest && epoch <= newest)
            {
                total += Volatile.Read(ref bucket.Total);
                failures += Volatile.Read(ref bucket.Failures);
                slow += Volatile.Read(ref bucket.Slow);
            }
        }

        return new WindowCounts(total, Math.Min(failures, total), Math.Min(slow, total));
    }

    public override void Reset()
    {
        for (int i = 0; i < _buckets.Length; i++)
        {
            ref Bucket bucket = ref _buckets[i];
            SpinWait spin = default;
            while (true)
            {
                long current = Volatile.Read(ref bucket.Epoch);
                if (current == Empty)
                {
                    break; // never used since the last reset: nothing to clear
                }

                if (current != Claimed && Interlocked.CompareExchange(ref bucket.Epoch, Claimed, current) == current)
                {
                    Interlocked.Exchange(ref bucket.Total, 0);
                    Interlocked.Exchange(ref bucket.Failures, 0);
                    Interlocked.Exchange(ref bucket.Slow, 0);
                    Volatile.Write(ref bucket.Epoch, Empty);
                    break;
                }

                spin.SpinOnce();
            }
        }
    }

    public override void Seed(WindowCounts counts)
    {
        long epoch = _time.GetTimestamp() / _bucketTicks;
        ref Bucket bucket = ref _buckets[(int)(epoch % _buckets.Length)];
        if (Volatile.Read(ref bucket.Epoch) != epoch)
        {
            Advance(ref bucket, epoch);
        }

        Interlocked.Add(ref bucket.Total, counts.Total);
        Interlocked.Add(ref bucket.Failures, counts.Failures);
        Interlocked.Add(ref bucket.Slow, counts.Slow);
    }

    public override bool HasShape(CircuitBreakerSettings settings) =>
        settings.WindowKind == SlidingWindowKind.TimeBased && settings.BucketCount == _buckets.Length && settings.BucketTicks == _bucketTicks;

    public override void Dispose() => _clock.Dispose();

    private bool WasActive(long epoch)
    {
        ref Bucket bucket = ref _buckets[_clock.SlotOfEpoch(epoch)];
        return Volatile.Read(ref bucket.Epoch) == epoch && Volatile.Read(ref bucket.Total) > 0;
    }

    private void Advance(ref Bucket bucket, long epoch)
    {
        SpinWait spin = default;
        while (true)
        {
            long current = Volatile.Read(ref bucket.Epoch);
            if (current == Claimed)
            {
                spin.SpinOnce();
                continue;
            }

            if (current >= epoch)
            {
                // Another writer moved the bucket on (to this epoch, or a later one if this writer's epoch
                // is stale); counting there keeps the call near the boundary it raced with.
                return;
            }

            if (Interlocked.CompareExchange(ref bucket.Epoch, Claimed, current) == current)
            {
                long total = Interlocked.Exchange(ref bucket.Total, 0);
                long failures = Interlocked.Exchange(ref bucket.Failures, 0);
                Interlocked.Exchange(ref bucket.Slow, 0);
                Volatile.Write(ref bucket.Epoch, epoch);
                if (current != Empty)
                {
                    BucketCompleted?.Invoke(total, failures);
                }

                return;
            }
        }
    }

    private struct Bucket
    {
        public long Epoch;
        public long Total;
        public long Failures;
        public long Slow;
    }
}
