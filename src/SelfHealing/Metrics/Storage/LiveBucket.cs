namespace SelfHealing.Metrics.Storage;

/// <summary>The running totals of one series in the current bucket, updated with interlocked operations.</summary>
internal struct LiveBucket
{
    public long Count;
    public double Sum;
    public double Min;
    public double Max;
}
