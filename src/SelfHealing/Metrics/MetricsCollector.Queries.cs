using System.Diagnostics.Metrics;
using System.Globalization;
using SelfHealing.Metrics.Analysis;
using SelfHealing.Metrics.Sketches;
using SelfHealing.Metrics.Storage;
using SelfHealing.Telemetry;

namespace SelfHealing.Metrics;

public sealed partial class MetricsCollector
{
    private static readonly double[] PublishedQuantiles = [0.5, 0.95, 0.99];

    /// <inheritdoc />
    public ValueTask<AggregatedMetric> AggregateAsync(string name, TimeSpan range, MetricTags? tags = null, CancellationToken cancellationToken = default)
    {
        (DateTimeOffset since, DateTimeOffset until) = Recent(range);
        return AggregateAsync(name, since, until, tags, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<AggregatedMetric> AggregateAsync(string name, DateTimeOffset since, DateTimeOffset until, MetricTags? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckRange(since, until);
        cancellationToken.ThrowIfCancellationRequested();
        tags ??= MetricTags.Empty;
        if (!_metrics.TryGetValue(name, out Metric? metric) || !TryBuckets(since, until, out long first, out long last, out long current))
        {
            return ValueTask.FromResult(NoData(name, metric?.Type, tags, since, until));
        }

        MetricSeries[] series = Select(metric, tags);
        return ValueTask.FromResult(Consistent(() => Aggregate(metric, series, tags, first, last, current)));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MetricPoint>> GetPointsAsync(string name, DateTimeOffset since, DateTimeOffset until, MetricTags? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckRange(since, until);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_metrics.TryGetValue(name, out Metric? metric) || !TryBuckets(since, until, out long first, out long last, out long current))
        {
            return ValueTask.FromResult<IReadOnlyList<MetricPoint>>([]);
        }

        MetricSeries[] series = Select(metric, tags ?? MetricTags.Empty);
        return ValueTask.FromResult<IReadOnlyList<MetricPoint>>(Consistent(() =>
        {
            var points = new List<MetricPoint>();
            long closed = Volatile.Read(ref _closedThrough);
            for (long epoch = first; epoch <= last; epoch++)
            {
                BucketTotals totals = BucketTotals.Empty;
                foreach (MetricSeries s in series)
                {
                    totals.Add(s.ReadBucket(epoch, closed, current));
                }

                if (totals.HasData)
                {
                    points.Add(new MetricPoint(StartOf(epoch), totals.Count, totals.Sum, totals.Min, totals.Max));
                }
            }

            return points;
        }));
    }

    /// <inheritdoc />
    public async ValueTask<Trend> AnalyzeTrendAsync(string name, TimeSpan range, MetricTags? tags = null, CancellationToken cancellationToken = default)
    {
        (DateTimeOffset since, DateTimeOffset until) = Recent(range);
        IReadOnlyList<MetricPoint> points = await GetPointsAsync(name, since, until, tags, cancellationToken).ConfigureAwait(false);
        bool counter = _metrics.TryGetValue(name, out Metric? metric) && metric.Type == MetricType.Counter;
        return TrendAnalysis.Analyze([.. points.Select(p => (p.Time, counter ? p.Sum : p.Mean))]);
    }

    /// <inheritdoc />
    public async ValueTask<Correlation> CorrelateAsync(string first, string second, TimeSpan range, int maxLag = 0, MetricTags? firstTags = null, MetricTags? secondTags = null, CancellationToken cancellationToken = default)
    {
        (DateTimeOffset since, DateTimeOffset until) = Recent(range);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLag);
        double[] a = await AlignedAsync(first, since, until, firstTags, cancellationToken).ConfigureAwait(false);
        double[] b = await AlignedAsync(second, since, until, secondTags, cancellationToken).ConfigureAwait(false);
        return CorrelationAnalysis.Analyze(a, b, maxLag);
    }

    /// <summary>The quantiles of every series recorded through the API, for the SelfHealing meter's gauge.</summary>
    IEnumerable<Measurement<double>> IMetricSeriesSource.ObservePublishedQuantiles() => ObservePublishedQuantiles();

    internal IEnumerable<Measurement<double>> ObservePublishedQuantiles()
    {
        (DateTimeOffset since, DateTimeOffset until) = Recent(_options.PublishedQuantileRange);
        if (!TryBuckets(since, until, out long first, out long last, out long current))
        {
            yield break;
        }

        foreach (Metric metric in _metrics.Values)
        {
            if (metric.Origin != MetricOrigin.Api || metric.Type == MetricType.Counter)
            {
                continue;
            }

            foreach (MetricSeries series in metric.Series)
            {
                AggregatedMetric aggregate = Consistent(() => Aggregate(metric, [series], series.Tags, first, last, current));
                if (!aggregate.HasData)
                {
                    continue;
                }

                double[] values = [aggregate.P50, aggregate.P95, aggregate.P99];
                for (int i = 0; i < values.Length; i++)
                {
                    var tags = new KeyValuePair<string, object?>[series.Tags.Count + 2];
                    tags[0] = new(SelfHealingMeter.MetricNameTag, metric.Name);
                    tags[1] = new(SelfHealingMeter.QuantileTag, PublishedQuantiles[i].ToString(CultureInfo.InvariantCulture));
                    for (int t = 0; t < series.Tags.Count; t++)
                    {
                        tags[t + 2] = new(series.Tags[t].Key, series.Tags[t].Value);
                    }

                    yield return new Measurement<double>(values[i], tags);
                }
            }
        }
    }

    /// <summary>The last <paramref name="range"/> up to and including this instant (so the current bucket counts).</summary>
    private (DateTimeOffset Since, DateTimeOffset Until) Recent(TimeSpan range, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(range))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(range, TimeSpan.Zero, name);
        DateTimeOffset now = _time.GetUtcNow();
        return (now - range, now + TimeSpan.FromTicks(1));
    }

    private static void CheckRange(DateTimeOffset since, DateTimeOffset until)
    {
        if (until <= since)
        {
            throw new ArgumentException($"The range must end after it starts; it runs from {since:O} to {until:O}.", nameof(until));
        }
    }

    private static MetricSeries[] Select(Metric metric, MetricTags tags) =>
        [.. metric.Series.Where(s => s.Tags.Contains(tags))];

    private static AggregatedMetric NoData(string name, MetricType? type, MetricTags tags, DateTimeOffset start, DateTimeOffset end) =>
        new(name, type, tags, start, end, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);

    private async ValueTask<double[]> AlignedAsync(string name, DateTimeOffset since, DateTimeOffset until, MetricTags? tags, CancellationToken cancellationToken)
    {
        IReadOnlyList<MetricPoint> points = await GetPointsAsync(name, since, until, tags, cancellationToken).ConfigureAwait(false);
        if (!TryBuckets(since, until, out long first, out long last, out _))
        {
            return [];
        }

        bool counter = _metrics.TryGetValue(name, out Metric? metric) && metric.Type == MetricType.Counter;
        double[] values = new double[last - first + 1];
        Array.Fill(values, counter ? 0 : double.NaN);
        foreach (MetricPoint point in points)
        {
            long index = EpochAt(point.Time) - first;
            if (index >= 0 && index < values.Length)
            {
                values[index] = counter ? point.Sum : point.Mean;
            }
        }

        return values;
    }

    private AggregatedMetric Aggregate(Metric metric, MetricSeries[] series, MetricTags tags, long first, long last, long current)
    {
        long closed = Volatile.Read(ref _closedThrough);
        long closedStep = Volatile.Read(ref _closedThroughStep);
        BucketTotals totals = BucketTotals.Empty;
        foreach (MetricSeries s in series)
        {
            s.AddBuckets(first, last, closed, current, ref totals);
        }

        double p50 = double.NaN, p95 = double.NaN, p99 = double.NaN;
        if (metric.Type != MetricType.Counter && totals.Count > 0)
        {
            using var accumulator = new SketchAccumulator(_layout.Geometry);
            foreach (MetricSeries s in series)
            {
                s.AddSketches(_layout.StepOf(first), _layout.StepOf(last), closedStep, _layout.StepOf(current), accumulator);
            }

            p50 = accumulator.Quantile(0.5);
            p95 = accumulator.Quantile(0.95);
            p99 = accumulator.Quantile(0.99);
        }

        DateTimeOffset end = StartOf(last + 1);
        DateTimeOffset now = _time.GetUtcNow();
        bool any = totals.HasData;
        return new AggregatedMetric(
            metric.Name,
            metric.Type,
            tags,
            StartOf(first),
            end < now ? end : now,
            totals.Count,
            totals.Sum,
            any ? totals.Min : double.NaN,
            any ? totals.Max : double.NaN,
            p50,
            p95,
            p99,
            series.Length);
    }

    // Reads under the closer's version counter: a read that overlapped a close (once a bucket, microseconds
    // long) is taken again, so no value is counted both live and closed, or neither.
    private T Consistent<T>(Func<T> read)
    {
        var spin = default(SpinWait);
        for (int attempt = 0; ; attempt++)
        {
            int before = Volatile.Read(ref _version);
            if ((before & 1) != 0 && attempt < 10_000)
            {
                spin.SpinOnce();
                continue;
            }

            T result = read();
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _version) == before || attempt >= 10_000)
            {
                return result;
            }
        }
    }

    /// <summary>The buckets a range covers, clipped to what the collector can hold: from its start, within retention, up to now.</summary>
    private bool TryBuckets(DateTimeOffset since, DateTimeOffset until, out long first, out long last, out long current)
    {
        current = _clock.ExactEpoch;
        first = Math.Max(EpochAt(since), Math.Max(_layout.OriginEpoch, current - _layout.RetainedBuckets + 1));
        last = Math.Min(EpochAt(until - TimeSpan.FromTicks(1)), current);
        return last >= first;
    }

    private long EpochAt(DateTimeOffset time)
    {
        Int128 offset = (Int128)(time - _originUtc).Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond;
        Int128 timestamp = _originTimestamp + offset;
        (Int128 epoch, Int128 remainder) = Int128.DivRem(timestamp, _layout.BucketTicks);
        if (remainder < 0)
        {
            epoch--; // floor, for times before the clock's zero
        }

        return (long)Int128.Clamp(epoch, long.MinValue / 2, long.MaxValue / 2);
    }

    private DateTimeOffset StartOf(long epoch)
    {
        Int128 offset = ((Int128)epoch * _layout.BucketTicks) - _originTimestamp;
        return _originUtc + TimeSpan.FromTicks((long)(offset * TimeSpan.TicksPerSecond / _time.TimestampFrequency));
    }
}
