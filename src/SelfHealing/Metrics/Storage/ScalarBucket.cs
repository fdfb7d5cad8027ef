namespace SelfHealing.Metrics.Storage;

/// <summary>One closed bucket of a series' history (32 bytes).</summary>
internal struct ScalarBucket
{
    /// <summary>The bucket's epoch relative to the collector's origin, plus one; 0 marks an empty slot.</summary>
    public int Tag;
    public int Count;
    public double Sum;
    public double Min;
    public double Max;
}
