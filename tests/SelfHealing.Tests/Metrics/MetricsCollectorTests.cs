using SelfHealing.Metrics;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics;

public sealed class MetricsCollectorTests
{
    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public async Task One_tag_written_as_a_target_typed_new_reaches_its_series_on_every_handle()
    {
        using var h = new CollectorHarness();
        h.Collector.Counter("failures").Add(2, new("table", "orders"));
        h.Collector.Gauge("queue").Record(7, new("table", "orders"));
        h.Collector.Histogram("size").Record(3, new("table", "orders"));
        h.Collector.Timer("latency").Record(TimeSpan.FromMilliseconds(250), new("table", "orders"));
        h.AdvanceSeconds(1);

        MetricTags orders = MetricTags.From(Tag("table", "orders"));
        (await h.Collector.AggregateAsync("failures", TimeSpan.FromMinutes(1), orders)).Sum.Should().Be(2);
        (await h.Collector.AggregateAsync("queue", TimeSpan.FromMinutes(1), orders)).Max.Should().Be(7);
        (await h.Collector.AggregateAsync("size", TimeSpan.FromMinutes(1), orders)).Sum.Should().Be(3);
        (await h.Collector.AggregateAsync("latency", TimeSpan.FromMinutes(1), orders)).Sum.Should().Be(0.25);
    }

    [Fact]
    public async Task A_histogram_aggregates_exactly_with_quantiles_within_the_relative_accuracy()
    {
        using var h = new CollectorHarness();
        MetricHistogram latency = h.Collector.Histogram("db.latency", "s");
        var random = new Random(7);
        var all = new List<double>();
        for (int second = 0; second < 120; second++)
        {
            for (int i = 0; i < 50; i++)
            {
                double v = Math.Exp(-4 + random.Normal());
                all.Add(v);
                latency.Record(v);
            }

            h.AdvanceSeconds(1);
        }

        AggregatedMetric result = await h.Collector.AggregateAsync("db.latency", TimeSpan.FromMinutes(5));
        result.Type.Should().Be(MetricType.Histogram);
        result.Count.Should().Be(6_000);
        result.Sum.Should().BeApproximately(all.Sum(), 1e-9);
        result.Min.Should().Be(all.Min());
        result.Max.Should().Be(all.Max());
        result.Average.Should().BeApproximately(all.Average(), 1e-12);
        double[] sorted = [.. all.Order()];
        foreach ((double q, double estimate) in new[] { (0.5, result.P50), (0.95, result.P95), (0.99, result.P99) })
        {
            double exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            estimate.Should().BeApproximately(exact, exact * 0.01, $"p{q * 100}");
        }

        result.Start.Should().Be(h.Time.GetUtcNow() - TimeSpan.FromSeconds(120), "the range starts where the collector did");
        result.RatePerSecond.Should().BeApproximately(50, 0.01);
        result.SeriesCount.Should().Be(1);
    }

    [Fact]
    public async Task A_range_holds_only_its_buckets_and_history_ends_at_the_retention()
    {
        using var h = new CollectorHarness(o => o.Retention = TimeSpan.FromMinutes(2));
        MetricCounter orders = h.Collector.Counter("orders");
        orders.Add(5);
        h.AdvanceSeconds(60);
        orders.Add(2);
        h.AdvanceSeconds(30);

        (await h.Collector.AggregateAsync("orders", TimeSpan.FromSeconds(40))).Sum.Should().Be(2);
        (await h.Collector.AggregateAsync("orders", TimeSpan.FromSeconds(100))).Sum.Should().Be(7);
        DateTimeOffset now = h.Time.GetUtcNow();
        AggregatedMetric first = await h.Collector.AggregateAsync("orders", now.AddSeconds(-90), now.AddSeconds(-89));
        first.Sum.Should().Be(5);
        first.Count.Should().Be(1);
        first.P50.Should().Be(double.NaN, "counters keep no quantiles");
        first.RatePerSecond.Should().Be(5);

        h.AdvanceSeconds(60); // the first value is now 150 s old: past the 2-minute retention
        (await h.Collector.AggregateAsync("orders", TimeSpan.FromMinutes(10))).Sum.Should().Be(2);
        h.AdvanceSeconds(60);
        (await h.Collector.AggregateAsync("orders", TimeSpan.FromMinutes(10))).HasData.Should().BeFalse();
    }

    [Fact]
    public async Task Values_in_the_current_bucket_are_seen_at_once_and_counted_once_after_it_closes()
    {
        using var h = new CollectorHarness();
        MetricGauge queue = h.Collector.Gauge("queue.length");
        queue.Record(3);
        (await h.Collector.AggregateAsync("queue.length", TimeSpan.FromSeconds(5))).Count.Should().Be(1);
        for (int i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(700));
            queue.Record(4);
            (await h.Collector.AggregateAsync("queue.length", TimeSpan.FromMinutes(1))).Count.Should().Be(2 + i, $"after step {i}");
        }
    }

    [Fact]
    public async Task Tags_pick_series_in_any_order_and_queries_match_every_series_holding_the_asked_tags()
    {
        using var h = new CollectorHarness();
        MetricCounter requests = h.Collector.Counter("requests");
        requests.Add(1, Tag("route", "/a"), Tag("status", 200));
        requests.Add(1, Tag("status", 200), Tag("route", "/a"));
        requests.Add(1, Tag("route", "/b"), Tag("status", 500));
        requests.Add(1);
        h.Collector.SeriesCount.Should().Be(3);

        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1))).Sum.Should().Be(4);
        AggregatedMetric a = await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1), MetricTags.From(Tag("route", "/a")));
        a.Sum.Should().Be(2);
        a.SeriesCount.Should().Be(1);
        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1), MetricTags.From(Tag("status", 500)))).Sum.Should().Be(1);
        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1), MetricTags.From(Tag("status", 404)))).HasData.Should().BeFalse();
    }

    [Fact]
    public async Task Bad_values_are_counted_as_invalid_and_never_reach_an_aggregate()
    {
        using var h = new CollectorHarness();
        MetricHistogram histogram = h.Collector.Histogram("h");
        MetricCounter counter = h.Collector.Counter("c");
        histogram.Record(double.NaN);
        histogram.Record(double.PositiveInfinity);
        histogram.Record(2);
        counter.Add(-1);
        counter.Add(double.NegativeInfinity);
        counter.Add(3);
        h.Collector.Timer("t").Record(TimeSpan.FromSeconds(-1));
        h.Collector.InvalidCount.Should().Be(5);

        AggregatedMetric hist = await h.Collector.AggregateAsync("h", TimeSpan.FromMinutes(1));
        (hist.Count, hist.Sum, hist.Max).Should().Be((1L, 2.0, 2.0));
        hist.P99.Should().BeApproximately(2, 0.02);
        (await h.Collector.AggregateAsync("c", TimeSpan.FromMinutes(1))).Sum.Should().Be(3);
    }

    [Fact]
    public async Task An_unknown_name_is_no_data_and_bad_arguments_are_named()
    {
        using var h = new CollectorHarness();
        AggregatedMetric none = await h.Collector.AggregateAsync("nothing", TimeSpan.FromMinutes(5));
        none.HasData.Should().BeFalse();
        none.Type.Should().BeNull();
        none.P95.Should().Be(double.NaN);
        (await h.Collector.GetPointsAsync("nothing", h.Time.GetUtcNow().AddMinutes(-1), h.Time.GetUtcNow())).Should().BeEmpty();

        DateTimeOffset now = h.Time.GetUtcNow();
        Func<Task> backwards = async () => await h.Collector.AggregateAsync("x", now, now.AddSeconds(-1));
        (await backwards.Should().ThrowAsync<ArgumentException>()).WithParameterName("until");
        Func<Task> zero = async () => await h.Collector.AggregateAsync("x", TimeSpan.Zero);
        (await zero.Should().ThrowAsync<ArgumentOutOfRangeException>()).WithParameterName("range");
        Action empty = () => h.Collector.Counter("");
        empty.Should().Throw<ArgumentException>().WithParameterName("name");

        h.Collector.Counter("orders");
        Action clash = () => h.Collector.Histogram("orders");
        clash.Should().Throw<InvalidOperationException>().WithMessage("*'orders' is already a Counter*Histogram*");
    }

    [Fact]
    public async Task Record_by_name_uses_the_metric_of_that_name_or_makes_a_gauge()
    {
        using var h = new CollectorHarness();
        h.Collector.Counter("hits");
        h.Collector.RecordMetric("hits", 2);
        h.Collector.RecordMetric("temperature", 21.5, Tag("room", "a"));
        (await h.Collector.AggregateAsync("hits", TimeSpan.FromMinutes(1))).Type.Should().Be(MetricType.Counter);
        AggregatedMetric temperature = await h.Collector.AggregateAsync("temperature", TimeSpan.FromMinutes(1));
        temperature.Type.Should().Be(MetricType.Gauge);
        temperature.Average.Should().Be(21.5);
        h.Collector.MetricNames.Should().Equal("hits", "temperature");
    }

    [Fact]
    public async Task Unbounded_tag_values_go_to_an_overflow_series_and_are_counted()
    {
        using var h = new CollectorHarness(o => { o.MaxSeries = 50; o.MaxSeriesPerMetric = 10; });
        MetricCounter requests = h.Collector.Counter("requests");
        for (int user = 0; user < 1_000; user++)
        {
            requests.Add(1, Tag("user", user));
        }

        h.Collector.SeriesCount.Should().Be(10);
        h.Collector.OverflowCount.Should().Be(990);
        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1))).Sum.Should().Be(1_000, "no value is lost");
        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1), MetricTags.From(Tag(MetricsCollector.OverflowTag, "true")))).Sum.Should().Be(990);

        for (int m = 0; m < 10; m++)
        {
            h.Collector.Counter($"other{m}").Add(1, Tag("k", 1), Tag("j", m));
        }

        for (int m = 0; m < 50; m++)
        {
            h.Collector.Gauge($"more{m}").Record(1, Tag("k", m));
        }

        h.Collector.SeriesCount.Should().Be(50, "the total limit holds across metrics");
    }

    [Fact]
    public void Names_over_the_metric_limit_are_dropped_by_name_and_refused_for_handles()
    {
        using var h = new CollectorHarness(o => o.MaxMetrics = 3);
        for (int i = 0; i < 10; i++)
        {
            h.Collector.RecordMetric($"dynamic.{i}", 1);
        }

        h.Collector.MetricNames.Should().HaveCount(3);
        h.Collector.DroppedCount.Should().Be(7);
        Action handle = () => h.Collector.Histogram("one.more");
        handle.Should().Throw<InvalidOperationException>().WithMessage("*at most 3 metrics (MaxMetrics)*");
    }

    [Fact]
    public async Task Timers_record_seconds_from_the_collectors_clock()
    {
        using var h = new CollectorHarness();
        MetricTimer timer = h.Collector.Timer("work");
        using (timer.Start())
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(250));
        }

        MetricTimerScope scope = timer.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        scope.Stop(Tag("outcome", "ok")).Should().Be(TimeSpan.FromMilliseconds(500));
        scope.Dispose(); // already stopped: records nothing more
        timer.Record(TimeSpan.FromSeconds(2));

        AggregatedMetric all = await h.Collector.AggregateAsync("work", TimeSpan.FromMinutes(1));
        (all.Type, all.Count, all.Sum, all.Min, all.Max).Should().Be((MetricType.Timer, 3L, 2.75, 0.25, 2.0));
        (await h.Collector.AggregateAsync("work", TimeSpan.FromMinutes(1), MetricTags.From(Tag("outcome", "ok")))).Sum.Should().Be(0.5);
    }

    [Fact]
    public async Task Points_trend_and_correlation_read_the_buckets()
    {
        using var h = new CollectorHarness();
        MetricGauge growth = h.Collector.Gauge("memory");
        MetricGauge cause = h.Collector.Gauge("queue");
        MetricGauge effect = h.Collector.Gauge("latency");
        var random = new Random(3);
        double[] driver = [.. Enumerable.Range(0, 200).Select(_ => random.Normal())];
        for (int s = 0; s < 200; s++)
        {
            growth.Record(100 + (s * 0.5) + driver[s]);
            cause.Record(20 + driver[s]);
            if (s >= 3)
            {
                effect.Record(10 + (2 * driver[s - 3]) + (0.1 * random.Normal()));
            }

            h.AdvanceSeconds(1);
        }

        DateTimeOffset now = h.Time.GetUtcNow();
        IReadOnlyList<MetricPoint> points = await h.Collector.GetPointsAsync("queue", now.AddSeconds(-10), now);
        points.Should().HaveCount(10);
        points.Should().BeInAscendingOrder(p => p.Time);

        var trend = await h.Collector.AnalyzeTrendAsync("memory", TimeSpan.FromMinutes(5));
        trend.Direction.Should().Be(SelfHealing.Metrics.Analysis.TrendDirection.Increasing);
        trend.Slope.Should().BeApproximately(0.5, 0.05);

        var correlation = await h.Collector.CorrelateAsync("queue", "latency", TimeSpan.FromMinutes(3), maxLag: 5);
        correlation.Lag.Should().Be(3, "the queue moves three buckets before the latency");
        correlation.Coefficient.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public async Task Stopping_keeps_what_the_live_buckets_held()
    {
        using var h = new CollectorHarness();
        await h.Collector.StartAsync(CancellationToken.None);
        MetricHistogram histogram = h.Collector.Histogram("h");
        histogram.Record(1);
        h.Time.Advance(TimeSpan.FromMilliseconds(400));
        histogram.Record(3);
        await h.Collector.StopAsync(CancellationToken.None);
        (await h.Collector.AggregateAsync("h", TimeSpan.FromMinutes(1))).Count.Should().Be(2);
        for (int i = 0; i < 98; i++)
        {
            histogram.Record(5); // after the flush, in the same bucket and step
        }

        h.AdvanceSeconds(30);
        AggregatedMetric result = await h.Collector.AggregateAsync("h", TimeSpan.FromMinutes(1));
        (result.Count, result.Sum, result.Min).Should().Be((100L, 494.0, 1.0));
        result.P50.Should().BeApproximately(5, 0.05, "the sketch merged the flushed part with the rest");
    }

    [Fact]
    public async Task After_dispose_the_last_values_stay_in_history_counted_once()
    {
        var h = new CollectorHarness();
        h.Collector.Counter("c").Add(4);
        h.Dispose(); // stops the bucket timer; the live buckets are flushed
        h.Time.Advance(TimeSpan.FromSeconds(10));
        (await h.Collector.AggregateAsync("c", TimeSpan.FromMinutes(1))).Sum.Should().Be(4);
    }

    [Fact]
    public async Task Concurrent_recording_while_buckets_close_loses_and_duplicates_nothing()
    {
        using var h = new CollectorHarness(o => o.QuantileStep = TimeSpan.FromSeconds(2));
        MetricHistogram histogram = h.Collector.Histogram("h");
        MetricCounter counter = h.Collector.Counter("c");
        const int Writers = 4, Records = 50_000, Steps = 3_000;
        int[] progress = new int[Writers];
        Task clock = Task.Run(() =>
        {
            // 5 minutes of fake time, well inside the 15-minute retention. The clock moves 100 ms only once every
            // writer has recorded its share for the step, so no writer falls a whole bucket behind (the design's
            // bound: a value recorded that late lands in a later bucket, not the one it read from the clock).
            for (int step = 1; step <= Steps; step++)
            {
                int due = (int)((long)Records * step / Steps) - 1;
                for (int t = 0; t < Writers; t++)
                {
                    while (Volatile.Read(ref progress[t]) < due)
                    {
                        Thread.Yield();
                    }
                }

                h.Time.Advance(TimeSpan.FromMilliseconds(100));
            }
        });
        Task[] writers = [.. Enumerable.Range(0, Writers).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Records; i++)
            {
                histogram.Record(1 + (i % 10), Tag("t", t % 2));
                counter.Add(1);
                Volatile.Write(ref progress[t], i + 1);
            }
        }))];
        await Task.WhenAll(writers);
        await clock;

        var query = h.Collector.AggregateAsync("h", TimeSpan.FromMinutes(15));
        (await query).Count.Should().Be(200_000);
        (await h.Collector.AggregateAsync("c", TimeSpan.FromMinutes(15))).Sum.Should().Be(200_000);
        h.AdvanceSeconds(5); // everything closed: the sketches hold every value too
        AggregatedMetric closed = await h.Collector.AggregateAsync("h", TimeSpan.FromMinutes(15));
        closed.Count.Should().Be(200_000);
        closed.P50.Should().BeApproximately(5, 0.1);
    }
}
