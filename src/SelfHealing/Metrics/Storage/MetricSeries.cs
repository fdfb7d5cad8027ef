using System.Numerics;
using System.Runtime.CompilerServices;
using SelfHealing.Metrics.Analysis;
using SelfHealing.Metrics.Sketches;
using SelfHealing.Timing;

namespace SelfHealing.Metrics.Storage;

/// <summary>
/// One metric with one tag set. Writers add to the live bucket and live sketch the clock's cursor points at,
/// with interlocked operations only; the collector's closer moves ended buckets and steps into the history
/// rings (32 bytes a bucket, a compact sketch a step). Reads combine history and live parts.
/// </summary>
internal sealed class MetricSeries
{
    private readonly SeriesLayout _layout;
    // Each processor stripe has its own ring of live buckets (128 bytes, so stripes do not share cache lines):
    // threads recording into one series on different cores do not contend on the count and sum.
    private static readonly int StripeMask = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 8)) - 1;
    private readonly LiveBucket[] _live = new LiveBucket[SeriesLayout.LiveBuckets * (StripeMask + 1)];
    private readonly QuantileSketch[]? _sketches;
    private readonly QuantileSketch[]? _sketchOfClockSlot; // the live sketch of each clock slot's step, one load on the hot path
    private SeriesHistory? _history;
    private double _cumulative = double.NaN;
    private double _total;

    public MetricSeries(Metric metric, SeriesKey key, SeriesLayout layout)
    {
        Metric = metric;
        Key = key;
        _layout = layout;
        for (int i = 0; i < _live.Length; i++)
        {
            _live[i].Min = double.PositiveInfinity;
            _live[i].Max = double.NegativeInfinity;
        }

        if (metric.Type != MetricType.Counter)
        {
            _sketches = new QuantileSketch[SeriesLayout.LiveSketches];
            for (int i = 0; i < _sketches.Length; i++)
            {
                _sketches[i] = new QuantileSketch(layout.Geometry);
            }

            _sketchOfClockSlot = new QuantileSketch[layout.ClockSlots];
            for (int slot = 0; slot < _sketchOfClockSlot.Length; slot++)
            {
                _sketchOfClockSlot[slot] = _sketches[layout.SketchSlotOf(slot)];
            }
        }
    }

    public Metric Metric { get; }

    public SeriesKey Key { get; }

    public MetricTags Tags => Key.Display;

    /// <summary>Gets or sets the anomaly detector (closer thread only).</summary>
    public AnomalyDetector? Detector { get; set; }

    /// <summary>Gets or sets whether a bucket with data has closed (closer thread only): a counter's quiet buckets count as zero after it.</summary>
    public bool Started { get; set; }

    /// <summary>Adds a finite value to the current bucket (the caller checked it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(double value, long cursor)
    {
        int slot = BucketClock.SlotOf(cursor);
        int stripe = Thread.GetCurrentProcessorId() & StripeMask;
        ref LiveBucket bucket = ref _live[(stripe * SeriesLayout.LiveBuckets) + (slot & (SeriesLayout.LiveBuckets - 1))];
        Interlocked.Increment(ref bucket.Count);
        AddTo(ref bucket.Sum, value);
        if (value < Volatile.Read(ref bucket.Min))
        {
            LowerTo(ref bucket.Min, value);
        }

        if (value > Volatile.Read(ref bucket.Max))
        {
            RaiseTo(ref bucket.Max, value);
        }

        _sketchOfClockSlot?[slot].RecordFinite(value);
    }

    /// <summary>
    /// Turns an observed running total into an increment; false for the first observation (a baseline) unless the
    /// total started at zero (<paramref name="fromZero"/>), when all of it is the increment.
    /// </summary>
    public bool TryDelta(double cumulative, bool fromZero, out double delta)
    {
        double previous = Interlocked.Exchange(ref _cumulative, cumulative);
        if (double.IsNaN(previous))
        {
            delta = cumulative;
            return fromZero;
        }

        delta = cumulative - previous;

        if (delta < 0)
        {
            delta = cumulative; // the source restarted from zero
        }

        return true;
    }

    /// <summary>Adds an up-down increment to the series' running level and returns the new level.</summary>
    public double AddToLevel(double delta)
    {
        double current = Volatile.Read(ref _total);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref _total, current + delta, current);
            if (SameBits(seen, current))
            {
                return current + delta;
            }

            current = seen;
        }
    }

    /// <summary>Moves the live bucket of <paramref name="epoch"/> into history (closer only); merges with what a flush put there.</summary>
    public BucketTotals CloseBucket(long epoch)
    {
        BucketTotals taken = BucketTotals.Empty;
        for (int i = (int)(epoch & (SeriesLayout.LiveBuckets - 1)); i < _live.Length; i += SeriesLayout.LiveBuckets)
        {
            ref LiveBucket live = ref _live[i];
            taken.Add(
                Interlocked.Exchange(ref live.Count, 0),
                Interlocked.Exchange(ref live.Sum, 0.0),
                Interlocked.Exchange(ref live.Min, double.PositiveInfinity),
                Interlocked.Exchange(ref live.Max, double.NegativeInfinity));
        }

        if (!taken.HasData)
        {
            return taken;
        }

        (_history ??= new SeriesHistory(_layout)).WriteBucket(epoch, taken);
        return taken;
    }

    /// <summary>Moves the live sketch of <paramref name="step"/> into history (closer only); merges with what a flush put there.</summary>
    public void CloseStep(long step, SketchEncoder encoder)
    {
        if (_sketches is null)
        {
            return;
        }

        SketchSnapshot taken = _sketches[(int)(step % SeriesLayout.LiveSketches)].Harvest(encoder);
        if (taken.Count == 0)
        {
            return;
        }

        (_history ??= new SeriesHistory(_layout)).WriteStep(step, taken);
    }

    /// <summary>Adds the buckets from <paramref name="first"/> to <paramref name="last"/>; epochs after <paramref name="closedThrough"/> are read live too.</summary>
    public void AddBuckets(long first, long last, long closedThrough, long current, ref BucketTotals totals)
    {
        SeriesHistory? history = Volatile.Read(ref _history);
        for (long epoch = first; epoch <= last; epoch++)
        {
            ReadBucket(epoch, history, closedThrough, current, ref totals);
        }
    }

    /// <summary>Reads one bucket (history plus live), or an empty total.</summary>
    public BucketTotals ReadBucket(long epoch, long closedThrough, long current)
    {
        BucketTotals totals = BucketTotals.Empty;
        ReadBucket(epoch, Volatile.Read(ref _history), closedThrough, current, ref totals);
        return totals;
    }

    /// <summary>Adds the sketches of the steps from <paramref name="first"/> to <paramref name="last"/>; steps after <paramref name="closedThrough"/> are read live too.</summary>
    public void AddSketches(long first, long last, long closedThrough, long current, SketchAccumulator accumulator)
    {
        if (_sketches is null)
        {
            return;
        }

        SeriesHistory? history = Volatile.Read(ref _history);
        for (long step = first; step <= last; step++)
        {
            history?.AddStep(step, accumulator);

            // A live sketch holds one step at a time: the newest steps only, so a closer running late never
            // makes one sketch count twice.
            if (step > closedThrough && step <= current && step > current - SeriesLayout.LiveSketches)
            {
                _sketches[(int)(step % SeriesLayout.LiveSketches)].AddTo(accumulator);
            }
        }
    }

    private void ReadBucket(long epoch, SeriesHistory? history, long closedThrough, long current, ref BucketTotals totals)
    {
        history?.ReadBucket(epoch, ref totals);

        // A live bucket holds one epoch at a time: the newest epochs only, so a closer running late never makes
        // one bucket count twice.
        if (epoch > closedThrough && epoch <= current && epoch > current - SeriesLayout.LiveBuckets)
        {
            for (int i = (int)(epoch & (SeriesLayout.LiveBuckets - 1)); i < _live.Length; i += SeriesLayout.LiveBuckets)
            {
                ref LiveBucket live = ref _live[i];
                long count = Volatile.Read(ref live.Count);
                if (count > 0)
                {
                    totals.Add(count, Volatile.Read(ref live.Sum), Volatile.Read(ref live.Min), Volatile.Read(ref live.Max));
                }
            }
        }
    }

    private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    private static void AddTo(ref double target, double value)
    {
        double current = Volatile.Read(ref target);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (SameBits(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private static void LowerTo(ref double target, double value)
    {
        double current = Volatile.Read(ref target);
        while (value < current)
        {
            double seen = Interlocked.CompareExchange(ref target, value, current);
            if (SameBits(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private static void RaiseTo(ref double target, double value)
    {
        double current = Volatile.Read(ref target);
        while (value > current)
        {
            double seen = Interlocked.CompareExchange(ref target, value, current);
            if (SameBits(seen, current))
            {
                return;
            }

            current = seen;
        }
    }
}
