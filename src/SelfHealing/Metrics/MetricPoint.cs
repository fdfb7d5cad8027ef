namespace SelfHealing.Metrics;

/// <summary>One time bucket of a metric (across the series a query matched).</summary>
/// <param name="Time">The start of the bucket.</param>
/// <param name="Count">How many values were recorded in it.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
public readonly record struct MetricPoint(DateTimeOffset Time, long Count, double Sum, double Min, double Max)
{
    /// <summary>Gets the mean of the bucket's values; NaN when it has none.</summary>
    public double Mean => Count > 0 ? Sum / Count : double.NaN;
}
