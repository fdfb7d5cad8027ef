using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Metrics;

/// <summary>Records metrics and answers questions about them; implemented by <see cref="MetricsCollector"/>.</summary>
public interface IMetricsCollector
{
    /// <summary>Gets the names of the metrics the collector holds, in ordinal order.</summary>
    IReadOnlyCollection<string> MetricNames { get; }

    /// <summary>Gets a handle on a counter; the same name always gives the same metric.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="unit">The unit, for example <c>{request}</c>.</param>
    /// <param name="description">What it counts.</param>
    /// <returns>The handle; keep it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The name is another type's, or the collector holds <see cref="MetricsCollectorOptions.MaxMetrics"/> metrics.</exception>
    MetricCounter Counter(string name, string? unit = null, string? description = null);

    /// <summary>Gets a handle on a gauge.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it measures.</param>
    /// <returns>The handle; keep it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The name is another type's, or the collector is full.</exception>
    MetricGauge Gauge(string name, string? unit = null, string? description = null);

    /// <summary>Gets a handle on a histogram.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="unit">The unit, for example <c>s</c> or <c>By</c>.</param>
    /// <param name="description">What it measures.</param>
    /// <returns>The handle; keep it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The name is another type's, or the collector is full.</exception>
    MetricHistogram Histogram(string name, string? unit = null, string? description = null);

    /// <summary>Gets a handle on a timer (durations in seconds).</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="description">What it times.</param>
    /// <returns>The handle; keep it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The name is another type's, or the collector is full.</exception>
    MetricTimer Timer(string name, string? description = null);

    /// <summary>
    /// Records a value by name: into the metric of that name, whatever its type, or into a new gauge.
    /// Invalid values are counted, never thrown at; a name over the metric limit is dropped and counted.
    /// </summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="tags">The series' tags.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    void RecordMetric(string name, double value, params ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Sums a metric up over the last <paramref name="range"/>.</summary>
    /// <param name="name">The metric's name; an unknown name gives an aggregate without data.</param>
    /// <param name="range">How far back from now.</param>
    /// <param name="tags">Only series with all these tags; every series when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The aggregate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="range"/> is not positive.</exception>
    ValueTask<AggregatedMetric> AggregateAsync(string name, TimeSpan range, MetricTags? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Sums a metric up over a time range (whole buckets; quantiles over the whole steps the range overlaps).</summary>
    /// <param name="name">The metric's name; an unknown name gives an aggregate without data.</param>
    /// <param name="since">The start of the range.</param>
    /// <param name="until">The end of the range, after <paramref name="since"/>.</param>
    /// <param name="tags">Only series with all these tags; every series when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The aggregate.</returns>
    /// <exception cref="ArgumentException"><paramref name="until"/> is not after <paramref name="since"/>.</exception>
    ValueTask<AggregatedMetric> AggregateAsync(string name, DateTimeOffset since, DateTimeOffset until, MetricTags? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the buckets of a time range that hold values, oldest first.</summary>
    /// <param name="name">The metric's name; an unknown name gives no points.</param>
    /// <param name="since">The start of the range.</param>
    /// <param name="until">The end of the range, after <paramref name="since"/>.</param>
    /// <param name="tags">Only series with all these tags; every series when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The points.</returns>
    /// <exception cref="ArgumentException"><paramref name="until"/> is not after <paramref name="since"/>.</exception>
    ValueTask<IReadOnlyList<MetricPoint>> GetPointsAsync(string name, DateTimeOffset since, DateTimeOffset until, MetricTags? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Fits a trend to the last <paramref name="range"/> of a metric (bucket means; a counter's increase per bucket).</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="range">How far back from now.</param>
    /// <param name="tags">Only series with all these tags; every series when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The trend; stable with no data.</returns>
    ValueTask<Trend> AnalyzeTrendAsync(string name, TimeSpan range, MetricTags? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Correlates two metrics bucket by bucket over the last <paramref name="range"/>, trying lags up to <paramref name="maxLag"/> buckets.</summary>
    /// <param name="first">The first metric.</param>
    /// <param name="second">The second metric.</param>
    /// <param name="range">How far back from now.</param>
    /// <param name="maxLag">The largest shift tried, in buckets.</param>
    /// <param name="firstTags">Series of the first metric to include.</param>
    /// <param name="secondTags">Series of the second metric to include.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The strongest correlation; a positive lag means the first metric moved first.</returns>
    ValueTask<Correlation> CorrelateAsync(string first, string second, TimeSpan range, int maxLag = 0, MetricTags? firstTags = null, MetricTags? secondTags = null, CancellationToken cancellationToken = default);
}
