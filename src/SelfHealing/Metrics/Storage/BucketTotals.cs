namespace SelfHealing.Metrics.Storage;

/// <summary>Count, sum and extremes of some buckets; the unit every query adds up.</summary>
internal struct BucketTotals
{
    public long Count;
    public double Sum;
    public double Min;
    public double Max;

    public static BucketTotals Empty => new() { Min = double.PositiveInfinity, Max = double.NegativeInfinity };

    public readonly bool HasData => Count > 0 || Sum != 0;

    public void Add(long count, double sum, double min, double max)
    {
        Count += count;
        Sum += sum;
        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
    }

    public void Add(in BucketTotals other) => Add(other.Count, other.Sum, other.Min, other.Max);
}
