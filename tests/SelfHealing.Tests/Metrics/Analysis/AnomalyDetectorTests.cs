using SelfHealing.Metrics.Analysis;

using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics.Analysis;

/// <summary>
/// Detection and false-positive rates on generated data with fixed seeds. Each trial feeds a fresh detector
/// 200 normal buckets (noise with a standard deviation of 1 around 100), then one injected anomaly.
/// </summary>
public sealed class AnomalyDetectorTests
{
    private const int Trials = 200;
    private const int Lead = 200;

    /// <summary>Runs the trials; returns (detected, false positives, normal buckets judged).</summary>
    private static (int Detected, int FalsePositives, int Normal) Run(int seed, Func<Random, int, double> offset, int length, int deadline)
    {
        int detected = 0, falsePositives = 0, normal = 0;
        var options = new AnomalyDetectorOptions();
        for (int trial = 0; trial < Trials; trial++)
        {
            var random = new Random((seed * 10_000) + trial);
            var detector = new AnomalyDetector(options);
            for (int i = 0; i < Lead; i++)
            {
                if (detector.Observe(100 + random.Normal(), out _))
                {
                    falsePositives++;
                }

                normal += i >= options.WarmupSamples ? 1 : 0;
            }

            double sign = random.Next(2) == 0 ? 1 : -1;
            bool found = false;
            for (int i = 0; i < length; i++)
            {
                if (detector.Observe(100 + (sign * offset(random, i)) + random.Normal(), out Anomaly anomaly) && i < deadline && !found)
                {
                    found = true;
                    Math.Sign(anomaly.Score).Should().Be((int)sign, "the anomaly's score points the way the series moved");
                }
            }

            detected += found ? 1 : 0;
        }

        return (detected, falsePositives, normal);
    }

    [Fact]
    public void Finds_spikes_level_shifts_and_drifts_with_few_false_alarms()
    {
        // Spikes of 6 to 10 standard deviations, found at the spike itself.
        double spikeSize = 0;
        (int spikes, int fp1, int n1) = Run(1, (r, i) => i == 0 ? spikeSize = r.Between(6, 10) : 0, length: 1, deadline: 1);

        // Level shifts of 4 to 8 standard deviations that last, found within 5 buckets.
        double shift = 0;
        (int shifts, int fp2, int n2) = Run(2, (r, i) => i == 0 ? shift = r.Between(4, 8) : shift, length: 60, deadline: 5);

        // Drifts of 0.1 to 0.2 standard deviations per bucket, found within 60 buckets (6 to 12 sigma by then).
        double slope = 0;
        (int drifts, int fp3, int n3) = Run(3, (r, i) => (i == 0 ? slope = r.Between(0.1, 0.2) : slope) * i, length: 80, deadline: 60);

        int injected = 3 * Trials;
        int found = spikes + shifts + drifts;
        string report = $"spikes {spikes}/{Trials}, shifts {shifts}/{Trials}, drifts {drifts}/{Trials}; false positives {fp1 + fp2 + fp3} of {n1 + n2 + n3} normal buckets";
        ((double)found / injected).Should().BeGreaterThanOrEqualTo(0.95, report);
        ((double)(fp1 + fp2 + fp3) / (n1 + n2 + n3)).Should().BeLessThan(0.01, report);
        spikes.Should().BeGreaterThanOrEqualTo((int)(0.9 * Trials), report);
        shifts.Should().BeGreaterThanOrEqualTo((int)(0.9 * Trials), report);
        drifts.Should().BeGreaterThanOrEqualTo((int)(0.9 * Trials), report);
    }

    [Fact]
    public void Long_stationary_noise_is_flagged_under_one_percent_of_the_time()
    {
        var random = new Random(4);
        var detector = new AnomalyDetector();
        int flagged = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            flagged += detector.Observe(100 + random.Normal(), out _) ? 1 : 0;
        }

        ((double)flagged / n).Should().BeLessThan(0.01, $"{flagged} of {n} buckets flagged");
        detector.Observed.Should().Be(n);
    }

    [Fact]
    public void Discrete_values_with_a_zero_median_deviation_do_not_flag_every_change()
    {
        var random = new Random(5);
        var detector = new AnomalyDetector();
        int flagged = 0;
        for (int i = 0; i < 10_000; i++)
        {
            // A mostly idle queue: 0 most of the time, sometimes 1 or 2.
            double value = random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 };
            flagged += detector.Observe(value, out _) ? 1 : 0;
        }

        flagged.Should().BeLessThan(100);
        detector.Observe(50, out Anomaly anomaly).Should().BeTrue("a queue of 50 is news");
        anomaly.Kind.Should().Be(AnomalyKind.Point);
        anomaly.Expected.Should().Be(0);
        anomaly.UpperBound.Should().BeLessThan(50);
    }

    [Fact]
    public void Warm_up_constant_series_and_non_finite_values()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { WarmupSamples = 10, WindowSize = 20 });
        for (int i = 0; i < 9; i++)
        {
            detector.Observe(i == 5 ? 1e9 : 3, out _).Should().BeFalse("nothing is flagged during warm-up");
        }

        detector.Observe(double.NaN, out _).Should().BeFalse();
        detector.Observed.Should().Be(9);
        for (int i = 0; i < 30; i++)
        {
            detector.Observe(3, out _).Should().BeFalse();
        }

        detector.Observe(3.5, out Anomaly changed).Should().BeTrue("a constant series that changes is anomalous");
        changed.Score.Should().BePositive();
    }

    [Fact]
    public void Invalid_options_are_named_together()
    {
        Action create = () => _ = new AnomalyDetector(new AnomalyDetectorOptions { WindowSize = 4, Threshold = 0 });
        create.Should().Throw<ArgumentException>().WithParameterName("options")
            .Which.Message.Should().Contain("WindowSize is 4; allowed: 8 to 10,000.").And.Contain("Threshold is 0; allowed: greater than 0 and at most 100.");
    }
}
