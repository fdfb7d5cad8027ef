namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// A fixed ring of time buckets. Each bucket carries the number of the time slice it counts (its epoch);
/// a writer that finds a stale epoch claims the bucket with one compare-and-swap, clears it and publishes
/// the new epoch. Nothing is allocated after construction, and no lock is taken.
/// </summary>
internal sealed class TimeBucketWindow : HealthWindow
{
    private const long Empty = -1;
    private const long Claimed = long.MinValue;

    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;

    public TimeBucketWindow(int bucketCount, long bucketTicks)
    {
        _buckets = new Bucket[bucketCount];
        _bucketTicks = bucketTicks;
        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Epoch = Empty;
        }
    }

    public override void Record(bool failure, bool slow, long timestamp)
    {
        long epoch = timestamp / _bucketTicks;
        ref Bucket bucket = ref _buckets[(int)(epoch % _buckets.Length)];
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

    public override WindowCounts Read(long timestamp)
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
            Claim(ref bucket, out _);
            Volatile.Write(ref bucket.Epoch, Empty);
        }
    }

    public override void Seed(WindowCounts counts, long timestamp)
    {
        long epoch = timestamp / _bucketTicks;
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
                // Another writer moved the bucket on (to this epoch, or a later one if this writer's clock
                // read is stale); counting there keeps the call near the boundary it raced with.
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

    private static void Claim(ref Bucket bucket, out long previousEpoch)
    {
        SpinWait spin = default;
        while (true)
        {
            long current = Volatile.Read(ref bucket.Epoch);
            if (current != Claimed && Interlocked.CompareExchange(ref bucket.Epoch, Claimed, current) == current)
            {
                Interlocked.Exchange(ref bucket.Total, 0);
                Interlocked.Exchange(ref bucket.Failures, 0);
                Interlocked.Exchange(ref bucket.Slow, 0);
                previousEpoch = current;
                return;
            }

            spin.SpinOnce();
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
