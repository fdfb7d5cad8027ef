using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SelfHealing.Metrics;
using SelfHealing.Metrics.Analysis;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics;

public sealed class MetricsCollectorAnomalyTests
{
    [Fact]
    public void A_spike_in_a_closed_bucket_is_published_with_its_series_and_expected_range()
    {
        using var h = new CollectorHarness();
        MetricHistogram latency = h.Collector.Histogram("api.latency");
        var random = new Random(21);
        DateTimeOffset spikeBucket = default;
        for (int second = 0; second < 300; second++)
        {
            bool spike = second == 250;
            if (spike)
            {
                spikeBucket = h.Time.GetUtcNow();
            }

            for (int i = 0; i < 20; i++)
            {
                latency.Record((spike ? 0.5 : 0.1) + (0.01 * random.Normal()), new KeyValuePair<string, object?>("api", "orders"));
            }

            h.AdvanceSeconds(1);
        }

        List<AnomalyDetected> found = h.Drain<AnomalyDetected>();
        found.Should().ContainSingle();
        AnomalyDetected e = found[0];
        (e.Source, e.Metric, e.Type, e.BucketStart).Should().Be((MetricsCollector.EventSource, "api.latency", MetricType.Histogram, spikeBucket));
        e.Tags.Should().Equal(MetricTags.From(new KeyValuePair<string, object?>("api", "orders")));
        e.Value.Should().BeApproximately(0.5, 0.01);
        e.Expected.Should().BeApproximately(0.1, 0.01);
        e.Score.Should().BeGreaterThanOrEqualTo(new AnomalyDetectorOptions().Threshold);
        e.Delivery.Should().Be(SelfHealing.Events.EventDelivery.Priority);
    }

    [Fact]
    public void A_counter_that_stops_is_seen_through_its_empty_buckets()
    {
        using var h = new CollectorHarness();
        MetricCounter requests = h.Collector.Counter("requests");
        var random = new Random(4);
        for (int second = 0; second < 200; second++)
        {
            requests.Add(100 + random.Next(-5, 6));
            h.AdvanceSeconds(1);
        }

        h.Drain<AnomalyDetected>().Should().BeEmpty();
        h.AdvanceSeconds(5); // no calls at all
        h.Drain<AnomalyDetected>().Should().NotBeEmpty().And.OnlyContain(e => e.Value == 0);
    }

    [Fact]
    public void Long_stationary_noise_raises_no_event_and_detection_can_be_turned_off()
    {
        using var h = new CollectorHarness();
        MetricGauge gauge = h.Collector.Gauge("noise");
        var random = new Random(99);
        for (int second = 0; second < 3_000; second++)
        {
            gauge.Record(50 + random.Normal());
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        h.Drain<AnomalyDetected>().Should().BeEmpty();

        using var off = new CollectorHarness(o => o.DetectAnomalies = false);
        MetricGauge quiet = off.Collector.Gauge("g");
        for (int second = 0; second < 100; second++)
        {
            quiet.Record(second == 90 ? 1_000 : 1 + random.Normal());
            off.Time.Advance(TimeSpan.FromSeconds(1));
        }

        off.Drain<AnomalyDetected>().Should().BeEmpty();
    }

    [Fact]
    public void A_lasting_anomaly_is_one_event_and_one_debug_line_and_its_end_is_published()
    {
        var logger = new FakeLogger<MetricsCollector>();
        using var h = new CollectorHarness(logger: logger);
        MetricGauge queue = h.Collector.Gauge("queue.length");
        var random = new Random(31);
        DateTimeOffset shiftBucket = default;
        for (int second = 0; second < 600; second++)
        {
            if (second == 300)
            {
                shiftBucket = h.Time.GetUtcNow();
            }

            queue.Record((second >= 300 ? 80 : 50) + random.Normal());
            h.AdvanceSeconds(1);
        }

        List<SelfHealing.Events.SelfHealingEvent> events = [.. h.Drain<SelfHealing.Events.SelfHealingEvent>().Where(e => e is AnomalyDetected or AnomalyEnded)];
        events.Should().HaveCount(2);
        AnomalyDetected started = events[0].Should().BeOfType<AnomalyDetected>().Subject;
        AnomalyEnded ended = events[1].Should().BeOfType<AnomalyEnded>().Subject;
        started.BucketStart.Should().Be(shiftBucket);
        ended.Anomaly.Start.Should().Be(shiftBucket);
        ended.Anomaly.PeakScore.Should().BeGreaterThanOrEqualTo(started.Score);
        ended.Anomaly.End.Should().BeAfter(shiftBucket);
        ended.Metric.Should().Be("queue.length");

        IReadOnlyList<FakeLogRecord> lines = logger.Collector.GetSnapshot();
        lines.Where(l => l.Id.Id == 3003).Should().ContainSingle().Which.Level.Should().Be(LogLevel.Debug);
        lines.Where(l => l.Id.Id == 3007).Should().ContainSingle().Which.Level.Should().Be(LogLevel.Debug);
        lines.Should().NotContain(l => l.Level >= LogLevel.Information, "anomaly news goes to the hub, not to Information logs");
    }
}
