using System.Runtime.CompilerServices;

namespace SelfHealing.Timing;

/// <summary>
/// Numbers time in fixed slices (epochs) and keeps the current one in a field, so hot paths read a field
/// instead of the clock (a clock read costs more than the rest of a breaker call). A <see cref="TimeProvider"/>
/// timer moves the field at each slice boundary while its owner reports activity, and stops after a slice
/// without any: the next read then takes the clock once and starts the timer again. An idle owner costs
/// nothing, and a read just after a boundary may see the previous slice for as long as the timer fires late
/// (timers count whole milliseconds, so at least until the next millisecond).
/// </summary>
/// <remarks>
/// The value read is a cursor that packs the epoch (relative to the clock's creation) with the epoch's slot in
/// a ring of <c>slots</c>, so owners index their ring without a division on the hot path.
/// </remarks>
internal sealed class BucketClock : IDisposable
{
    public const int MaxSlots = 1 << SlotBits;
    private const int SlotBits = 16;
    private const long SlotMask = MaxSlots - 1;
    private const long Dormant = -1;

    private readonly TimeProvider _time;
    private readonly long _sliceTicks;
    private readonly int _slots;
    private readonly long _baseEpoch;
    private readonly Func<long, bool> _wasActive;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _cursor = Dormant;
    private bool _disposed;

    /// <param name="sliceTicks">The slice length in <see cref="TimeProvider"/> timestamp units.</param>
    /// <param name="slots">The ring size owners index with <see cref="SlotOf"/>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="wasActive">Told an epoch that just ended; returns whether anything happened in it.</param>
    public BucketClock(long sliceTicks, int slots, TimeProvider time, Func<long, bool> wasActive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceTicks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slots, MaxSlots);
        _time = time;
        _sliceTicks = sliceTicks;
        _slots = slots;
        _wasActive = wasActive;
        _baseEpoch = time.GetTimestamp() / sliceTicks;
        _timer = time.CreateTimer(static self => ((BucketClock)self!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets the current cursor: a field read, or one clock read after a quiet spell.</summary>
    public long Cursor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            long cursor = Volatile.Read(ref _cursor);
            return cursor != Dormant ? cursor : Wake();
        }
    }

    /// <summary>Gets the exact current epoch from the clock (for reads that must not lag).</summary>
    public long ExactEpoch => _time.GetTimestamp() / _sliceTicks;

    /// <summary>The epoch a cursor stands for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long EpochOf(long cursor) => (cursor >> SlotBits) + _baseEpoch;

    /// <summary>The ring slot a cursor stands for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SlotOf(long cursor) => (int)(cursor & SlotMask);

    /// <summary>The ring slot of an epoch.</summary>
    public int SlotOfEpoch(long epoch) => (int)(epoch % _slots);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private long CursorOf(long epoch) => ((epoch - _baseEpoch) << SlotBits) | (epoch % _slots);

    private long Wake()
    {
        lock (_gate)
        {
            long cursor = Volatile.Read(ref _cursor);
            if (cursor != Dormant)
            {
                return cursor; // another reader woke it first
            }

            long now = _time.GetTimestamp();
            cursor = CursorOf(now / _sliceTicks);
            Volatile.Write(ref _cursor, cursor);
            Schedule(now);
            return cursor;
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            long cursor = Volatile.Read(ref _cursor);
            if (_disposed || cursor == Dormant)
            {
                return;
            }

            long now = _time.GetTimestamp();
            long epoch = now / _sliceTicks;
            long previous = EpochOf(cursor);
            if (epoch != previous && !_wasActive(previous))
            {
                Volatile.Write(ref _cursor, Dormant);
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

        // Timers count whole milliseconds (they truncate), so the wait to the next boundary is rounded up:
        // the tick comes at the boundary or up to a millisecond after it, never before, and never with a zero
        // wait that would fire at once. The same wait is the period, so a timer that re-arms itself from its
        // period after the callback (as the fake clock in tests does) ticks at the next boundary too; each
        // tick sets both again from the clock, so the ticks do not drift.
        long next = ((now / _sliceTicks) + 1) * _sliceTicks;
        decimal milliseconds = decimal.Ceiling((decimal)(next - now) * 1000 / _time.TimestampFrequency);
        var wait = TimeSpan.FromMilliseconds((double)Math.Max(1, milliseconds));
        _timer.Change(wait, wait);
    }
}
