using SelfHealing.Metrics;

namespace SelfHealing.Health;

/// <summary>
/// A value a component takes from the metrics collector on each of its checks: one statistic of a collector
/// metric over a recent window, for example the p95 of <c>http.client.request.duration</c> over the last minute.
/// A window without data gives no value (the metric's level stands).
/// </summary>
public sealed class CollectorMetricSource
{
    /// <summary>Gets or sets the collector metric's name.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Gets or sets which figure of the aggregate to take.</summary>
    /// <value>Default <see cref="MetricStatistic.Average"/>.</value>
    public MetricStatistic Statistic { get; set; } = MetricStatistic.Average;

    /// <summary>Gets or sets how far back the aggregate reaches.</summary>
    /// <value>Default 1 minute; allowed 1 second to 1 hour.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets the tags the series must carry (every matching series counts); empty for all.</summary>
    public IDictionary<string, string> Tags { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Takes the statistic out of an aggregate; NaN without data.</summary>
    internal double Read(AggregatedMetric aggregate) => !aggregate.HasData ? double.NaN : Statistic switch
    {
        MetricStatistic.P50 => aggregate.P50,
        MetricStatistic.P95 => aggregate.P95,
        MetricStatistic.P99 => aggregate.P99,
        MetricStatistic.Max => aggregate.Max,
        MetricStatistic.Min => aggregate.Min,
        MetricStatistic.Sum => aggregate.Sum,
        MetricStatistic.Count => aggregate.Count,
        MetricStatistic.Rate => aggregate.RatePerSecond,
        _ => aggregate.Average,
    };

    internal CollectorMetricSource Copy()
    {
        var copy = (CollectorMetricSource)MemberwiseClone();
        copy.Tags = new Dictionary<string, string>(Tags, StringComparer.Ordinal);
        return copy;
    }
}
