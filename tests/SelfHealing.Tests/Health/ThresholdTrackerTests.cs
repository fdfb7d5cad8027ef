using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

public sealed class ThresholdTrackerTests
{
    private static ThresholdTracker Latency(int worsen = 3, int recover = 3, double hysteresis = 0) => new("latency.p95", new MetricThreshold
    {
        Degraded = 200,
        Critical = 500,
        Failed = 1000,
        Hysteresis = hysteresis,
        SamplesToWorsen = worsen,
        SamplesToRecover = recover,
    });

    private static HealthLevel[] Feed(ThresholdTracker tracker, params double[] values) => [.. values.Select(tracker.Observe)];

    [Fact]
    public void Every_level_is_entered_after_enough_samples_in_a_row_and_left_the_same_way()
    {
        ThresholdTracker t = Latency();
        Feed(t, 100, 250, 250).Should().Equal(HealthLevel.Healthy, HealthLevel.Healthy, HealthLevel.Healthy);
        t.Observe(250).Should().Be(HealthLevel.Degraded);
        t.Reason.Should().Be("latency.p95 is 250 (Degraded: at or above 200 for 3 samples in a row)");
        Feed(t, 600, 600, 600).Should().Equal(HealthLevel.Degraded, HealthLevel.Degraded, HealthLevel.Critical);
        Feed(t, 1500, 1500, 1500).Should().Equal(HealthLevel.Critical, HealthLevel.Critical, HealthLevel.Failed);
        Feed(t, 50, 50, 50).Should().Equal(HealthLevel.Failed, HealthLevel.Failed, HealthLevel.Healthy);
        t.Reason.Should().Be("latency.p95 is 50 (back to Healthy for 3 samples in a row)");
        t.LastValue.Should().Be(50);
    }

    [Fact]
    public void A_streak_broken_by_one_normal_sample_starts_over()
    {
        ThresholdTracker t = Latency();
        Feed(t, 300, 300, 100, 300, 300).Should().OnlyContain(l => l == HealthLevel.Healthy);
        t.Observe(300).Should().Be(HealthLevel.Degraded);
    }

    [Fact]
    public void A_mixed_streak_earns_the_mildest_level_it_agreed_on()
    {
        ThresholdTracker t = Latency();
        Feed(t, 600, 250, 1200).Last().Should().Be(HealthLevel.Degraded, "all three were at least degraded, one only degraded");
        Feed(t, 1200, 1200, 1200).Last().Should().Be(HealthLevel.Failed);
        Feed(t, 100, 300, 100).Last().Should().Be(HealthLevel.Degraded, "all three were better than failed, one only degraded");
    }

    [Fact]
    public void Hysteresis_stops_a_value_hovering_at_the_threshold_from_flapping()
    {
        ThresholdTracker t = Latency(worsen: 1, recover: 1, hysteresis: 20);
        t.Observe(205).Should().Be(HealthLevel.Degraded);
        var levels = Feed(t, 195, 205, 190, 210, 185, 199);
        levels.Should().OnlyContain(l => l == HealthLevel.Degraded, "values between 180 and 200 are not far enough back");
        t.Observe(179).Should().Be(HealthLevel.Healthy);
    }

    [Fact]
    public void Noisy_but_healthy_metric_raises_no_false_level_in_10000_checks()
    {
        // Mean 120, standard deviation 25: one sample in about 1,000 crosses the degraded level of 200 by
        // itself, so a single-sample rule would flag about ten; three in a row happen about once in 10^9.
        var random = new Random(2024);
        ThresholdTracker t = Latency(worsen: 3, recover: 3, hysteresis: 10);
        int singleCrossings = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double value = 120 + (25 * random.Normal());
            singleCrossings += value >= 200 ? 1 : 0;
            t.Observe(value).Should().Be(HealthLevel.Healthy, $"check {i}, value {value}");
        }

        singleCrossings.Should().BePositive("the noise must actually reach the threshold for the test to mean anything");
    }

    [Fact]
    public void A_ramp_is_reported_as_it_crosses_each_level()
    {
        ThresholdTracker t = Latency();
        var changes = new List<(int Sample, HealthLevel Level)>();
        HealthLevel last = HealthLevel.Healthy;
        for (int i = 0; i < 120; i++)
        {
            HealthLevel level = t.Observe(10 * i);
            if (level != last)
            {
                changes.Add((i, level));
                last = level;
            }
        }

        // 200 is reached at sample 20, 500 at 50, 1000 at 100; each needs three samples in a row.
        changes.Should().Equal((22, HealthLevel.Degraded), (52, HealthLevel.Critical), (102, HealthLevel.Failed));
    }

    [Fact]
    public void Lower_is_worse_metrics_fall_through_their_levels()
    {
        var t = new ThresholdTracker("throughput", new MetricThreshold { Degraded = 100, Failed = 10, Direction = ThresholdDirection.LowerIsWorse, SamplesToWorsen = 1, SamplesToRecover = 1 });
        t.Observe(150).Should().Be(HealthLevel.Healthy);
        t.Observe(90).Should().Be(HealthLevel.Degraded);
        t.Reason.Should().Contain("at or below 100");
        t.Observe(5).Should().Be(HealthLevel.Failed);
        t.Observe(double.NaN).Should().Be(HealthLevel.Failed, "a missing sample changes nothing");
        t.Observe(120).Should().Be(HealthLevel.Healthy);
    }

    [Fact]
    public void Invalid_thresholds_are_named_together()
    {
        Action none = () => _ = new ThresholdTracker("cpu", new MetricThreshold());
        none.Should().Throw<ArgumentException>().WithParameterName("threshold").WithMessage("cpu sets no level*");

        Action disorder = () => _ = new ThresholdTracker("cpu", new MetricThreshold { Degraded = 90, Critical = 80, SamplesToWorsen = 0, Hysteresis = -1 });
        disorder.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("cpu:Critical is 80; allowed: above Degraded (90) for HigherIsWorse.")
            .And.Contain("cpu:SamplesToWorsen is 0; allowed: 1 to 1,000.")
            .And.Contain("cpu:Hysteresis is -1; allowed: 0 or more, finite.");

        Action lower = () => _ = new ThresholdTracker("rps", new MetricThreshold { Degraded = 10, Failed = 50, Direction = ThresholdDirection.LowerIsWorse });
        lower.Should().Throw<ArgumentException>().WithMessage("rps:Failed is 50; allowed: below Degraded (10) for LowerIsWorse.*");

        Action name = () => _ = new ThresholdTracker(" ", new MetricThreshold { Degraded = 1 });
        name.Should().Throw<ArgumentException>().WithParameterName("metric");
    }

    [Fact]
    public void Changing_the_options_object_later_does_not_reach_the_tracker()
    {
        var threshold = new MetricThreshold { Degraded = 10, SamplesToWorsen = 1 };
        var t = new ThresholdTracker("x", threshold);
        threshold.Degraded = 1000;
        t.Observe(20).Should().Be(HealthLevel.Degraded);
    }
}
