namespace SelfHealing.Metrics;

/// <summary>
/// A metric summed up over a time range, across the series that match the query's tags. A metric with no value
/// in the range (or an unknown name) gives <see cref="HasData"/> false, a count of 0 and NaN statistics.
/// </summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Type">The metric's type; <see langword="null"/> for an unknown name.</param>
/// <param name="Tags">The tags the query asked for (every matching series is included).</param>
/// <param name="Start">The start of the range covered: the start of its first bucket.</param>
/// <param name="End">The end of the range covered: the end of its last bucket, or now for a range that reaches the present.</param>
/// <param name="Count">How many values were recorded (for a counter, how many increments).</param>
/// <param name="Sum">Their sum (for a counter, the total increase).</param>
/// <param name="Min">The smallest value; NaN without data.</param>
/// <param name="Max">The largest value; NaN without data.</param>
/// <param name="P50">The median, within the collector's relative accuracy; NaN for counters and without data.</param>
/// <param name="P95">The 95th percentile, likewise.</param>
/// <param name="P99">The 99th percentile, likewise.</param>
/// <param name="SeriesCount">How many series contributed.</param>
public sealed record AggregatedMetric(
    string Name,
    MetricType? Type,
    MetricTags Tags,
    DateTimeOffset Start,
    DateTimeOffset End,
    long Count,
    double Sum,
    double Min,
    double Max,
    double P50,
    double P95,
    double P99,
    int SeriesCount)
{
    /// <summary>Gets whether any value was recorded in the range.</summary>
    public bool HasData => Count > 0;

    /// <summary>Gets the mean value; NaN without data.</summary>
    public double Average => Count > 0 ? Sum / Count : double.NaN;

    /// <summary>Gets the rate per second over the range: the increase for a counter, the number of values otherwise.</summary>
    public double RatePerSecond
    {
        get
        {
            double seconds = (End - Start).TotalSeconds;
            return seconds <= 0 ? double.NaN : (Type == MetricType.Counter ? Sum : Count) / seconds;
        }
    }
}
