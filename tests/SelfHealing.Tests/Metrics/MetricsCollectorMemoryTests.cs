using SelfHealing.Metrics;
using SelfHealing.Metrics.Analysis;
using SelfHealing.Tests.TestSupport;
using Xunit.Abstractions;

namespace SelfHealing.Tests.Metrics;

[Collection(SerialTests.Name)]
public sealed class MetricsCollectorMemoryTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_thousand_series_at_one_second_buckets_over_fifteen_minutes_stay_under_fifty_megabytes()
    {
        // Storage alone: the anomaly detectors' state is measured by the test below.
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var h = new CollectorHarness(o => o.DetectAnomalies = false);
        MetricHistogram[] histograms = [.. Enumerable.Range(0, 100).Select(m => h.Collector.Histogram($"latency.{m}", "s"))];
        var random = new Random(1);
        var tags = Enumerable.Range(0, 10).Select(t => new KeyValuePair<string, object?>("endpoint", $"/api/{t}")).ToArray();
        for (int second = 0; second < 15 * 60; second++)
        {
            foreach (MetricHistogram histogram in histograms)
            {
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    for (int i = 0; i < 10; i++)
                    {
                        histogram.Record(Math.Exp(-4 + random.Normal()), tag); // latencies around 18 ms, a decade wide
                    }
                }
            }

            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        h.AdvanceSeconds(15); // the last step closes
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double megabytes = (after - before) / 1024.0 / 1024.0;
        output.WriteLine($"{h.Collector.SeriesCount} series, 900 buckets, 9,000,000 values: {megabytes:F1} MB retained");

        h.Collector.SeriesCount.Should().Be(1_000);
        (await h.Collector.AggregateAsync("latency.0", TimeSpan.FromMinutes(15))).Count.Should().Be(884 * 10 * 10, "the last 900 buckets, the current one included, hold seconds 16 to 899");
        megabytes.Should().BeLessThan(50);
        GC.KeepAlive(histograms);
    }

    [Fact]
    public void An_anomaly_detector_keeps_under_eight_kilobytes_per_series()
    {
        const int Detectors = 200;
        var random = new Random(2);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var detectors = new AnomalyDetector[Detectors];
        for (int d = 0; d < Detectors; d++)
        {
            detectors[d] = new AnomalyDetector();
            for (int second = 0; second < 2_000; second++)
            {
                detectors[d].Observe(start.AddSeconds(second), 100 + random.Normal());
            }
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double kilobytes = (after - before) / 1024.0 / Detectors;
        output.WriteLine($"{kilobytes:F2} KB per detector");
        kilobytes.Should().BeLessThan(8, "about 6.4 KB measured alone (the daily and weekly profiles are most of it); the whole heap is measured, so other tests running in parallel add noise");
        GC.KeepAlive(detectors);
    }
}
