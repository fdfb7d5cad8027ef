using SelfHealing.Metrics;
using SelfHealing.Metrics.Sketches;
using SelfHealing.Metrics.Storage;
using SelfHealing.Timing;

namespace SelfHealing.Tests.Metrics.Storage;

public sealed class MetricSeriesTests
{
    [Fact]
    public void A_query_while_the_closer_runs_late_counts_each_live_bucket_and_sketch_once()
    {
        var layout = new SeriesLayout(new MetricsCollectorOptions(), TimeSpan.TicksPerSecond, 0);
        var metric = new Metric("latency", MetricType.Histogram, null, null, MetricOrigin.Api, (m, tags) => new MetricSeries(m, new SeriesKey(tags), layout));
        var series = new MetricSeries(metric, new SeriesKey([]), layout);
        long epoch = 100;
        long cursor = (epoch * BucketClock.MaxSlots) + (epoch % layout.ClockSlots); // as the bucket clock encodes it
        for (int i = 0; i < 10; i++)
        {
            series.Record(2.0, cursor);
        }

        // Nothing closed since long before, and the clock is a whole ring of live buckets (and sketches) further on.
        long closedThrough = epoch - 20;
        long current = epoch + SeriesLayout.LiveBuckets;
        var totals = BucketTotals.Empty;
        series.AddBuckets(closedThrough + 1, current, closedThrough, current, ref totals);
        totals.Count.Should().Be(10, "the one live bucket holding the values is read once, not once per epoch mapping to it");

        using var accumulator = new SketchAccumulator(layout.Geometry);
        long currentStep = layout.StepOf(epoch) + SeriesLayout.LiveSketches;
        series.AddSketches(layout.StepOf(closedThrough) + 1, currentStep, layout.StepOf(closedThrough), currentStep, accumulator);
        accumulator.Count.Should().Be(10);
    }

    [Fact]
    public void The_first_bucket_of_a_series_may_close_at_epoch_zero()
    {
        var layout = new SeriesLayout(new MetricsCollectorOptions(), TimeSpan.TicksPerSecond, 0);
        var history = new SeriesHistory(layout);
        var written = BucketTotals.Empty;
        written.Add(3, 6.0, 1.0, 3.0);

        history.WriteBucket(0, written); // a collector stopped within its first bucket flushes epoch 0

        var read = BucketTotals.Empty;
        history.ReadBucket(0, ref read);
        read.Count.Should().Be(3);
        read.Sum.Should().Be(6.0);
    }
}
