using System.Globalization;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.Events;
using SelfHealing.Metrics.Sketches;
using SelfHealing.Metrics.Sources;
using SelfHealing.Metrics.Storage;
using SelfHealing.Telemetry;
using SelfHealing.Timing;

namespace SelfHealing.Metrics;

/// <summary>
/// The performance-metrics collector: counters, gauges, histograms and timers recorded through handles or by
/// name, System.Diagnostics.Metrics instruments read through a <see cref="System.Diagnostics.Metrics.MeterListener"/>,
/// and process metrics, kept per metric and tag set in time buckets with quantile sketches, queried with
/// <see cref="AggregateAsync(string, TimeSpan, MetricTags?, CancellationToken)"/>, and watched for anomalies.
/// </summary>
/// <remarks>
/// Recording takes no lock and allocates nothing once a series exists. A <see cref="TimeProvider"/> timer
/// closes buckets as they end: it samples observable instruments and the process, moves ended buckets into
/// history and runs anomaly detection. Registered by <c>AddSelfHealing()</c> as a hosted service; standalone,
/// call <see cref="StartAsync"/> to start the listener and process sampling.
/// </remarks>
public sealed partial class MetricsCollector : IMetricsCollector, IHostedService, IDisposable, IMetricSeriesSource
{
    /// <summary>The tag that marks a metric's overflow series, which takes the values of tag sets over the cardinality limit.</summary>
    public const string OverflowTag = "selfhealing.overflow";

    /// <summary>The source name on the events the collector publishes.</summary>
    public const string EventSource = "metrics";

    private readonly MetricsCollectorOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly ILogger _logger;
    private readonly SelfHealingInstrumentation _instrumentation;
    private readonly SeriesLayout _layout;
    private readonly BucketClock _clock;
    private readonly ConcurrentDictionary<string, Metric> _metrics = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lock _closeGate = new();
    private readonly SketchEncoder _encoder;
    private readonly long _originTimestamp;
    private readonly DateTimeOffset _originUtc;
    private MetricSeries[] _series = [];
    private int _seriesCount;
    private long _closedThrough;
    private long _closedThroughStep;
    private int _version;
    private long _invalid;
    private int _nameLengthWarned;
    private long _overflowed;
    private long _droppedNames;
    private int _metricLimitWarned;
    private InstrumentListener? _listener;
    private ProcessSampler? _process;
    private bool _disposed;

    /// <summary>Creates a collector.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>. Copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="hub">Where <see cref="AnomalyDetected"/> events go; none when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">An option is out of its range; the message names each one.</exception>
    public MetricsCollector(MetricsCollectorOptions? options = null, TimeProvider? timeProvider = null, IEventHub? hub = null, ILogger<MetricsCollector>? logger = null)
        : this(Options.Create(options ?? new MetricsCollectorOptions()), timeProvider ?? TimeProvider.System, hub, logger, SelfHealingInstrumentation.Shared)
    {
    }

    internal MetricsCollector(IOptions<MetricsCollectorOptions> options, TimeProvider timeProvider, IEventHub? hub, ILogger<MetricsCollector>? logger, SelfHealingInstrumentation instrumentation)
    {
        MetricsCollectorOptions o = options.Value;
        MetricsCollectorOptionsValidator.ThrowIfInvalid(o);
        _options = o.Copy();
        _time = timeProvider;
        _hub = hub;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _instrumentation = instrumentation;
        _originTimestamp = timeProvider.GetTimestamp();
        _originUtc = timeProvider.GetUtcNow();
        _layout = new SeriesLayout(_options, timeProvider.TimestampFrequency, _originTimestamp);
        _encoder = new SketchEncoder(_layout.Geometry);
        _closedThrough = _layout.OriginEpoch - 1;
        _closedThroughStep = _layout.StepOf(_layout.OriginEpoch) - 1;
        _clock = new BucketClock(_layout.BucketTicks, _layout.ClockSlots, timeProvider, OnBucketEnded);
        instrumentation.Track(this);
    }

    /// <summary>Gets how many values were refused as invalid: NaN, infinities, negative counter increments.</summary>
    public long InvalidCount => Interlocked.Read(ref _invalid);

    /// <summary>Gets how many values went to an overflow series because their tag set was over the cardinality limit.</summary>
    public long OverflowCount => Interlocked.Read(ref _overflowed);

    /// <summary>Gets how many values were dropped because their metric name was over <see cref="MetricsCollectorOptions.MaxMetrics"/>.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedNames);

    /// <summary>The longest metric name kept, in characters; a longer one is refused (an exception for a handle, dropped and counted for a value).</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most tags a series may have; the values of a tag set with more go to the metric's overflow series.</summary>
    public const int MaxTagsPerSeries = 16;

    /// <summary>The longest tag key or value kept, in characters (as text); the values of a tag set with a longer one go to the overflow series.</summary>
    public const int MaxTagLength = 256;

    /// <summary>Gets how many series are kept (overflow series not included).</summary>
    public int SeriesCount => Volatile.Read(ref _seriesCount);

    /// <inheritdoc />
    public IReadOnlyCollection<string> MetricNames => [.. _metrics.Keys.Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public MetricCounter Counter(string name, string? unit = null, string? description = null) =>
        new(this, Define(name, MetricType.Counter, unit, description));

    /// <inheritdoc />
    public MetricGauge Gauge(string name, string? unit = null, string? description = null) =>
        new(this, Define(name, MetricType.Gauge, unit, description));

    /// <inheritdoc />
    public MetricHistogram Histogram(string name, string? unit = null, string? description = null) =>
        new(this, Define(name, MetricType.Histogram, unit, description));

    /// <inheritdoc />
    public MetricTimer Timer(string name, string? description = null) =>
        new(this, Define(name, MetricType.Timer, "s", description), _time);

    /// <inheritdoc />
    public void RecordMetric(string name, double value, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_metrics.TryGetValue(name, out Metric? metric) || (metric = TryAddMetric(name, MetricType.Gauge, null, null, MetricOrigin.Api)) is not null)
        {
            Record(metric, value, tags);
        }
    }

    /// <summary>Starts the instrument listener and process sampling, and the bucket timer.</summary>
    /// <param name="cancellationToken">Not used: starting does not wait.</param>
    /// <returns>A completed task.</returns>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_options.CollectProcessMetrics && _process is null)
            {
                _process = new ProcessSampler(this, _time);
            }

            if (_listener is null)
            {
                List<string> patterns = [.. _options.Instruments];
                if (_options.IncludeDefaultInstruments)
                {
                    patterns.AddRange(InstrumentListener.DefaultPatterns);
                }

                if (patterns.Count > 0)
                {
                    _listener = new InstrumentListener(this, patterns);
                    _listener.Start();
                }
            }
        }

        _ = _clock.Cursor; // wakes the bucket timer
        return Task.CompletedTask;
    }

    /// <summary>Stops listening and sampling, and closes what the live buckets hold so queries still see it.</summary>
    /// <param name="cancellationToken">Not used: stopping does not wait.</param>
    /// <returns>A completed task.</returns>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <summary>Stops the listener, sampling and the bucket timer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop();
        _clock.Dispose();
    }

    private void Stop()
    {
        InstrumentListener? listener;
        ProcessSampler? process;
        lock (_gate)
        {
            (listener, _listener) = (_listener, null);
            (process, _process) = (_process, null);
        }

        listener?.Dispose();
        process?.Dispose();
        Flush();
    }

    /// <summary>Records a value into the series of <paramref name="metric"/> that <paramref name="tags"/> name.</summary>
    internal void Record(Metric metric, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!double.IsFinite(value) || (value < 0 && metric.Type == MetricType.Counter))
        {
            Invalid(metric, value);
            return;
        }

        MetricSeries series = metric.Resolve(tags);
        series.Record(value, _clock.Cursor);
    }

    /// <summary>
    /// Records the increase since the last observation of a running total (observable counters); the first observation
    /// is a baseline unless the total is known to have started at zero (<paramref name="fromZero"/>).
    /// </summary>
    internal void RecordCumulative(Metric metric, double total, ReadOnlySpan<KeyValuePair<string, object?>> tags, bool fromZero)
    {
        if (!double.IsFinite(total))
        {
            Invalid(metric, total);
            return;
        }

        MetricSeries series = metric.Resolve(tags);
        if (series.TryDelta(total, fromZero, out double delta))
        {
            series.Record(delta, _clock.Cursor);
        }
    }

    /// <summary>Applies an up-down change to a series' level and records the new level.</summary>
    internal void RecordLevelChange(Metric metric, double change, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!double.IsFinite(change))
        {
            Invalid(metric, change);
            return;
        }

        MetricSeries series = metric.Resolve(tags);
        series.Record(series.AddToLevel(change), _clock.Cursor);
    }

    /// <summary>Finds or adds a metric for an input; null (logged) when the name is taken by another type or over the limit.</summary>
    internal Metric? TryAddMetric(string name, MetricType type, string? unit, string? description, MetricOrigin origin)
    {
        if (_metrics.TryGetValue(name, out Metric? existing))
        {
            return existing.Type == type ? existing : null;
        }

        if (name.Length > MaxNameLength)
        {
            Interlocked.Increment(ref _droppedNames);
            CountRejected("name_length");
            if (Interlocked.Exchange(ref _nameLengthWarned, 1) == 0)
            {
                LogNameTooLong(_logger, name[..64], name.Length, MaxNameLength);
            }

            return null;
        }

        lock (_gate)
        {
            if (_metrics.TryGetValue(name, out existing))
            {
                return existing.Type == type ? existing : null;
            }

            if (_metrics.Count >= _options.MaxMetrics)
            {
                Interlocked.Increment(ref _droppedNames);
                CountRejected("metric_limit");

                if (Interlocked.Exchange(ref _metricLimitWarned, 1) == 0)
                {
                    LogMetricLimit(_logger, _options.MaxMetrics, name);
                }

                return null;
            }

            var metric = new Metric(name, type, unit, description, origin, CreateSeries);
            _metrics[name] = metric;
            return metric;
        }
    }

    internal IEnumerable<Metric> Metrics => _metrics.Values;

    private Metric Define(string name, MetricType type, string? unit, string? description)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"The metric name is {name.Length} characters long; allowed: at most {MaxNameLength} (MetricsCollector.MaxNameLength).", nameof(name));
        }

        if (TryAddMetric(name, type, unit, description, MetricOrigin.Api) is { } metric)
        {
            return metric;
        }

        if (_metrics.TryGetValue(name, out Metric? existing))
        {
            throw new InvalidOperationException($"The metric '{name}' is already a {existing.Type}; it cannot also be a {type}.");
        }

        throw new InvalidOperationException($"The collector keeps at most {_options.MaxMetrics} metrics (MaxMetrics); '{name}' would be one more.");
    }

    private MetricSeries CreateSeries(Metric metric, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            if (metric.TryGet(tags, out MetricSeries existing))
            {
                return existing;
            }

            if (OverSize(tags) is { } size)
            {
                return Overflow(metric, size);
            }

            int own = metric.SeriesCount - (metric.Overflow is null ? 0 : 1);
            if (own >= _options.MaxSeriesPerMetric || _seriesCount >= _options.MaxSeries)
            {
                return Overflow(metric, own >= _options.MaxSeriesPerMetric ? "MaxSeriesPerMetric" : "MaxSeries");
            }

            var series = new MetricSeries(metric, new SeriesKey(tags), _layout);
            metric.Add(series);
            _seriesCount++;
            Volatile.Write(ref _series, [.. _series, series]);
            return series;
        }
    }

    private MetricSeries Overflow(Metric metric, string limit)
    {
        Interlocked.Increment(ref _overflowed);
        CountRejected("series_limit");

        if (metric.Overflow is { } overflow)
        {
            return overflow;
        }

        LogSeriesLimit(_logger, metric.Name, limit, limit switch
        {
            "MaxSeries" => _options.MaxSeries,
            "MaxSeriesPerMetric" => _options.MaxSeriesPerMetric,
            nameof(MaxTagsPerSeries) => MaxTagsPerSeries,
            _ => MaxTagLength,
        });
        overflow = new MetricSeries(metric, new SeriesKey([new(OverflowTag, "true")]), _layout);
        metric.Overflow = overflow;
        metric.Add(overflow);
        Volatile.Write(ref _series, [.. _series, overflow]);
        return overflow;
    }

    // A new tag set too large to keep: too many tags, or a key or value too long. Checked only when a series is created.
    private static string? OverSize(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length > MaxTagsPerSeries)
        {
            return nameof(MaxTagsPerSeries);
        }

        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key.Length > MaxTagLength || (tag.Value is string text ? text.Length : Convert.ToString(tag.Value, CultureInfo.InvariantCulture)?.Length ?? 0) > MaxTagLength)
            {
                return nameof(MaxTagLength);
            }
        }

        return null;
    }

    private void Invalid(Metric metric, double value)
    {
        Interlocked.Increment(ref _invalid);
        CountRejected("invalid");

        if (metric.FirstInvalid())
        {
            LogInvalid(_logger, metric.Name, value, metric.Type);
        }
    }

    private void CountRejected(string reason)
    {
        if (_instrumentation.MetricsRejected.Enabled)
        {
            _instrumentation.MetricsRejected.Add(1, new KeyValuePair<string, object?>(SelfHealingMeter.ReasonTag, reason));
        }
    }
}
