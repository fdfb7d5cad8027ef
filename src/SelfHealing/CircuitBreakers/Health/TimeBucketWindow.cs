namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// A fixed ring of time buckets. Each bucket carries the number of the time slice it counts (its epoch);
/// a writer that finds a stale epoch claims the bucket with one compare-and-swap, clears it and publishes
/// the new epoch. Nothing is allocated after construction, and no lock is taken.
/// </summary>
/// <remarks>
/// Writers do not read the clock: the current epoch is kept in a field that a <see cref="TimeProvider"/>
/// timer moves at each bucket boundary. The timer runs only while calls arrive: when a whole bucket passes
/// without one it stops, and the next call reads the clock once and starts it again. So an idle window
/// costs nothing, and a call just after a boundary may be counted in the previous bucket by as long as the
/// timer fires late (a few milliseconds at most, on the system clock).
/// </remarks>
internal sealed class TimeBucketWindow : HealthWindow
{
    private const long Empty = -1;
    private const long Claimed = long.MinValue;
    private const long Dormant = -1;
    private const int SlotBits = 10; // BucketCount is at most 1000 < 2^10

    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly long _baseEpoch;

    // (epoch - _baseEpoch) << SlotBits | slot of the epoch, or Dormant while the timer is stopped. Relative
    // epochs keep the shift from overflowing on clocks whose timestamps are large (ticks since year 1).
    private long _cursor = Dormant;
    private bool _disposed;

    public TimeBucketWindow(int bucketCount, long bucketTicks, TimeProvider time)
    {
        _buckets = new Bucket[bucketCount];
        _bucketTicks = bucketTicks;
        _time = time;
        _baseEpoch = time.GetTimestamp() / bucketTicks;
        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Epoch = Empty;
        }

        _timer = time.CreateTimer(static self => ((TimeBucketWindow)self!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public override void Record(bool failure, bool slow)
    {
        long cursor = Volatile.Read(ref _cursor);
        if (cursor == Dormant)
        {
            cursor = Wake();
        }

        long epoch = EpochOf(cursor);
        ref Bucket bucket = ref _buckets[(int)(cursor & ((1 << SlotBits) - 1))];
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

    public override void Dispose()
    {
        lock (_timer)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private long CursorOf(long epoch) => ((epoch - _baseEpoch) << SlotBits) | (epoch % _buckets.Length);

    private long EpochOf(long cursor) => (cursor >> SlotBits) + _baseEpoch;

    /// <summary>Reads the clock after a quiet spell and starts the timer again.</summary>
    private long Wake()
    {
        lock (_timer)
        {
            long cursor = Volatile.Read(ref _cursor);
            if (cursor != Dormant)
            {
                return cursor; // another writer woke it first
            }

            long now = _time.GetTimestamp();
            cursor = CursorOf(now / _bucketTicks);
            Volatile.Write(ref _cursor, cursor);
            Schedule(now);
            return cursor;
        }
    }

    /// <summary>At a bucket boundary: move to the new epoch while calls arrive, stop the timer once they do not.</summary>
    private void Tick()
    {
        lock (_timer)
        {
            long cursor = Volatile.Read(ref _cursor);
            if (_disposed || cursor == Dormant)
            {
                return;
            }

            long now = _time.GetTimestamp();
            long epoch = now / _bucketTicks;
            ref Bucket last = ref _buckets[(int)(cursor & ((1 << SlotBits) - 1))];
            bool active = Volatile.Read(ref last.Epoch) == EpochOf(cursor) && Volatile.Read(ref last.Total) > 0;
            if (!active && epoch != EpochOf(cursor))
            {
                Volatile.Write(ref _cursor, Dormant);
                return;
            }

            Volatile.Write(ref _cursor, CursorOf(epoch));
            Schedule(now);
        }
    }

    private void Schedule(long now)
    {
        if (_disposed)
        {
            return;
        }

        long next = ((now / _bucketTicks) + 1) * _bucketTicks;
        // Exact arithmetic: a due time rounded down would fire before the boundary, and one rounded up by
        // floating-point error after it, leaving calls at the boundary in the previous bucket.
        decimal ticks = decimal.Ceiling((decimal)(next - now) * TimeSpan.TicksPerSecond / _time.TimestampFrequency);
        TimeSpan due = TimeSpan.FromTicks(Math.Max(1, (long)ticks));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
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
