using SelfHealing.Metrics.Sketches;

namespace SelfHealing.Metrics.Storage;

/// <summary>
/// The time layout every series of a collector shares: bucket length, quantile step (a whole number of
/// buckets), how many of each are retained, the sketch geometry, and the table that maps a clock slot to the
/// live sketch of its step (so a recording needs no division).
/// </summary>
internal sealed class SeriesLayout
{
    /// <summary>Live scalar buckets per series: the current one, the one just ended (late writers), and two of slack.</summary>
    public const int LiveBuckets = 4;

    /// <summary>Live sketches per series: the current step's and the previous one's, harvested a bucket after it ends.</summary>
    public const int LiveSketches = 2;

    private readonly byte[] _sketchSlotOfClockSlot;

    public SeriesLayout(MetricsCollectorOptions options, long timestampFrequency, long originTimestamp)
    {
        BucketDuration = options.BucketDuration;
        BucketTicks = (long)((decimal)options.BucketDuration.Ticks * timestampFrequency / TimeSpan.TicksPerSecond);
        StepBuckets = (int)(options.QuantileStep.Ticks / options.BucketDuration.Ticks);
        ClockSlots = LiveBuckets * StepBuckets;
        RetainedBuckets = (int)Math.Ceiling((double)options.Retention.Ticks / options.BucketDuration.Ticks);
        RetainedSteps = (int)Math.Ceiling((double)options.Retention.Ticks / options.QuantileStep.Ticks) + 1;
        Geometry = new LogBuckets(options.RelativeAccuracy, 1e-9, 1e12);
        OriginEpoch = originTimestamp / BucketTicks;
        _sketchSlotOfClockSlot = new byte[ClockSlots];
        for (int slot = 0; slot < ClockSlots; slot++)
        {
            _sketchSlotOfClockSlot[slot] = (byte)((slot / StepBuckets) % LiveSketches);
        }
    }

    public TimeSpan BucketDuration { get; }

    /// <summary>Gets the bucket length in <see cref="TimeProvider"/> timestamp units.</summary>
    public long BucketTicks { get; }

    /// <summary>Gets how many buckets make a quantile step.</summary>
    public int StepBuckets { get; }

    /// <summary>Gets the ring size of the collector's clock: a multiple of both live rings.</summary>
    public int ClockSlots { get; }

    public int RetainedBuckets { get; }

    public int RetainedSteps { get; }

    public LogBuckets Geometry { get; }

    /// <summary>Gets the epoch the collector started in; queries never reach before it.</summary>
    public long OriginEpoch { get; }

    public int SketchSlotOf(int clockSlot) => _sketchSlotOfClockSlot[clockSlot];

    public long StepOf(long epoch) => epoch / StepBuckets;
}
