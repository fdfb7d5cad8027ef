using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Metrics;

/// <summary>Options of the <see cref="MetricsCollector"/>, bound from <c>SelfHealing:Metrics</c>.</summary>
public sealed class MetricsCollectorOptions
{
    /// <summary>Gets or sets the length of a time bucket: the resolution of counts, sums, extremes and rates.</summary>
    /// <value>Default 1 second; allowed 10 milliseconds to 1 minute, in whole milliseconds.</value>
    public TimeSpan BucketDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the resolution of quantiles: each series keeps one sketch per step, and a query's quantiles
    /// cover the whole steps its range overlaps.
    /// </summary>
    /// <value>Default 10 seconds; allowed a whole multiple of <see cref="BucketDuration"/>, from 1 to 3,600 buckets.</value>
    public TimeSpan QuantileStep { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long closed buckets are kept.</summary>
    /// <value>Default 15 minutes; allowed at least <see cref="QuantileStep"/> and at most 100,000 buckets.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the relative accuracy of quantiles.</summary>
    /// <value>Default 0.01 (a reported p99 is within 1% of the true value at that rank); allowed 0.001 to 0.1.</value>
    public double RelativeAccuracy { get; set; } = 0.01;

    /// <summary>Gets or sets how many series (metric and tag set) the collector keeps in all.</summary>
    /// <value>Default 1,000; allowed 1 to 1,000,000. Values of further tag sets go to their metric's overflow series.</value>
    public int MaxSeries { get; set; } = 1_000;

    /// <summary>Gets or sets how many series one metric may have.</summary>
    /// <value>Default 100; allowed 1 to <see cref="MaxSeries"/>.</value>
    public int MaxSeriesPerMetric { get; set; } = 100;

    /// <summary>Gets or sets how many metric names the collector keeps.</summary>
    /// <value>Default 500; allowed 1 to 100,000. Values of further names are dropped and counted.</value>
    public int MaxMetrics { get; set; } = 500;

    /// <summary>
    /// Gets which <see cref="System.Diagnostics.Metrics"/> instruments feed the collector, as
    /// <c>meter/instrument</c> patterns where <c>*</c> matches any run of characters; a pattern without a slash
    /// takes every instrument of the meters it matches (for example <c>System.Runtime</c>).
    /// </summary>
    /// <value>Default empty; see <see cref="IncludeDefaultInstruments"/>.</value>
    public IList<string> Instruments { get; private set; } = [];

    /// <summary>
    /// Gets or sets whether the collector also listens to the instruments most services want watched: ASP.NET
    /// Core's <c>http.server.request.duration</c>, HttpClient's <c>http.client.request.duration</c> and the
    /// SelfHealing breakers' <c>selfhealing.circuit.calls</c>.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool IncludeDefaultInstruments { get; set; } = true;

    /// <summary>Gets or sets whether the collector samples the process (CPU, memory, GC heap, thread pool, exceptions) at every bucket.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool CollectProcessMetrics { get; set; } = true;

    /// <summary>Gets or sets whether every series runs an <see cref="AnomalyDetector"/> over its closed buckets and publishes <see cref="AnomalyDetected"/> events.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool DetectAnomalies { get; set; } = true;

    /// <summary>Gets the sensitivity of anomaly detection (bound from <c>SelfHealing:Metrics:Anomalies</c>).</summary>
    public AnomalyDetectorOptions Anomalies { get; private set; } = new();

    /// <summary>Gets or sets the range of the quantiles the collector publishes through the <c>SelfHealing</c> meter.</summary>
    /// <value>Default 1 minute; allowed <see cref="BucketDuration"/> to <see cref="Retention"/>.</value>
    public TimeSpan PublishedQuantileRange { get; set; } = TimeSpan.FromMinutes(1);

    internal MetricsCollectorOptions Copy()
    {
        var copy = (MetricsCollectorOptions)MemberwiseClone();
        copy.Anomalies = Anomalies.Copy();
        copy.Instruments = [.. Instruments];
        return copy;
    }
}
