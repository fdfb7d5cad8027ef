using SelfHealing.Metrics.Analysis;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics.Analysis;

/// <summary>
/// Scenario and property tests of the detector on generated series with fixed seeds: 5-minute steps unless a test says
/// otherwise, noise with a standard deviation of 1. Real labelled data is scored by the benchmark's <c>anomaly</c> command.
/// </summary>
public sealed class AnomalyDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    private const int PerDay = 288;

    private static List<AnomalyScore> Feed(AnomalyDetector detector, int count, Func<int, double> value, TimeSpan? step = null, int first = 0)
    {
        var scores = new List<AnomalyScore>(count);
        for (int i = first; i < first + count; i++)
        {
            scores.Add(detector.Observe(Start + ((step ?? FiveMinutes) * i), value(i)));
        }

        return scores;
    }

    private static int[] Alarms(List<AnomalyScore> scores) =>
        [.. scores.Select((s, i) => (s, i)).Where(x => x.s.Phase == AnomalyPhase.Started).Select(x => x.i)];

    /// <summary>A daily cycle between 40 and 100 with a peak at 15:00, plus noise.</summary>
    private static double Daily(int i, Random random) => 70 + (30 * Math.Sin(2 * Math.PI * ((i % PerDay) - 108) / PerDay)) + random.Normal();

    [Fact]
    public void A_clean_daily_cycle_raises_no_alarm_in_a_week_of_data()
    {
        var random = new Random(1);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 7 * PerDay, i => Daily(i, random));

        Alarms(scores).Should().BeEmpty();
        scores.Max(s => s.Score).Should().BeLessThan(new AnomalyDetectorOptions().Threshold);
    }

    [Fact]
    public void A_daily_on_off_pattern_alarms_on_its_first_day_at_most_and_never_after()
    {
        // Business hours: 20 at night, 80 from 09:00 to 18:00. The first jump is news; once a day has been seen, none is.
        var random = new Random(2);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 7 * PerDay, i => ((i % PerDay) is >= 108 and < 216 ? 80 : 20) + random.Normal());

        Alarms(scores).Should().OnlyContain(i => i < PerDay);
    }

    /// <summary>The daily cycle on weekdays; at weekends (days 5 and 6 of each week, the data starting on a Monday) a third of it.</summary>
    private static double Weekly(int i, Random random) => (i / PerDay % 7 >= 5 ? (Daily(i, random) / 3) : Daily(i, random)) + random.Normal();

    [Fact]
    public void A_weekly_cycle_is_learned_so_weekends_stop_raising_alarms_after_the_first_two_weeks()
    {
        // Weekends are low. Once two weeks have been seen, Saturday's drop and Monday's rise are expected; with the
        // daily cycle alone they are news every week (the daily profile follows the weekend, then Monday breaks it).
        var random = new Random(4);
        double[] values = [.. Enumerable.Range(0, 6 * 7 * PerDay).Select(i => Weekly(i, random))];
        static bool AtWeekendEdge(int i) => (i % (7 * PerDay)) is var t && (Math.Abs(t - (5 * PerDay)) <= 24 || t <= 24 || t >= (7 * PerDay) - 24);

        int[] weekly = Alarms(Feed(new AnomalyDetector(), values.Length, i => values[i]));
        int[] dailyOnly = Alarms(Feed(new AnomalyDetector(new AnomalyDetectorOptions { WeeklyCycle = false }), values.Length, i => values[i]));

        weekly.Where(i => i >= 14 * PerDay).Where(AtWeekendEdge).Should().BeEmpty("a learned weekend is not news");
        weekly.Where(i => i >= 14 * PerDay).Should().HaveCountLessThanOrEqualTo(2, "what is left is the calibrated rate of borderline scores");
        dailyOnly.Where(i => i >= 14 * PerDay).Count(AtWeekendEdge).Should().BeGreaterThanOrEqualTo(6, "without the weekly cycle every later weekend starts and ends with an alarm");
    }

    [Fact]
    public void A_day_that_breaks_the_daily_pattern_is_found_the_day_it_happens()
    {
        // The daytime level drops on day 5 (80 becomes 50): inside the usual range, but not at that time of day. Nine
        // hours later the detector has taken 50 as the day's level, so the fall back to the night's 20 may be news too.
        var random = new Random(3);
        double Value(int i) => ((i % PerDay) is >= 108 and < 216 ? (i / PerDay == 5 ? 50 : 80) : 20) + random.Normal();
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 7 * PerDay, Value);

        int[] alarms = [.. Alarms(scores).Where(i => i >= PerDay)];
        alarms.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(2).And.OnlyContain(i => i >= (5 * PerDay) + 108 && i <= (5 * PerDay) + 228);
        alarms[0].Should().BeInRange((5 * PerDay) + 108, (5 * PerDay) + 120, "the break is found within an hour");
    }

    [Fact]
    public void A_spike_is_found_at_the_spike_with_a_high_score_and_the_expected_value()
    {
        var random = new Random(4);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 3 * PerDay, i => (i == 700 ? 112 : 100) + random.Normal());

        Alarms(scores).Should().Equal(700);
        scores[700].Score.Should().BeGreaterThan(0.4);
        scores[700].Value.Should().BeApproximately(112, 3);
        scores[700].Expected.Should().BeApproximately(100, 3);
    }

    [Fact]
    public void A_lasting_level_shift_is_one_alarm_with_its_start_peak_and_end_and_becomes_the_new_normal()
    {
        var random = new Random(5);
        var detector = new AnomalyDetector();
        List<AnomalyScore> scores = Feed(detector, 3000, i => (i >= 1000 ? 108 : 100) + random.Normal());

        Alarms(scores).Should().Equal(1000);
        AnomalyEvent anomaly = detector.LastEvent!.Value;
        anomaly.Start.Should().Be(Start + (FiveMinutes * 1000));
        anomaly.PeakScore.Should().BeGreaterThanOrEqualTo(scores[1000].Score);
        anomaly.PeakAt.Should().BeOnOrAfter(anomaly.Start);
        anomaly.End.Should().NotBeNull().And.BeAfter(anomaly.PeakAt);
        int ended = scores.FindIndex(s => s.Phase == AnomalyPhase.Ended);
        ended.Should().BeInRange(1000 + new AnomalyDetectorOptions().QuietPeriod, 1500, "the new level is learned and the anomaly ends");
        scores.Skip(ended + 1).Should().OnlyContain(s => s.Phase == AnomalyPhase.None);
    }

    [Fact]
    public void A_slow_drift_is_found_before_it_has_moved_ten_standard_deviations()
    {
        var random = new Random(6);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 2000, i => 100 + (i >= 1000 ? 0.05 * (i - 1000) : 0) + random.Normal());

        int[] alarms = Alarms(scores);
        alarms.Should().NotBeEmpty().And.OnlyContain(i => i >= 1000);
        alarms[0].Should().BeLessThan(1200, "by row 1200 the series has drifted 10 standard deviations");
    }

    [Fact]
    public void A_flat_series_raises_nothing_until_it_moves()
    {
        var detector = new AnomalyDetector();
        List<AnomalyScore> flat = Feed(detector, 1000, _ => 45);
        flat.Should().OnlyContain(s => s.Score == 0 && s.Phase == AnomalyPhase.None);

        List<AnomalyScore> moved = Feed(detector, 10, i => i == 1000 ? 46 : 45, first: 1000);
        moved[0].Phase.Should().Be(AnomalyPhase.Started, "a flat series that moves is news");
    }

    [Fact]
    public void Counts_near_zero_do_not_raise_an_alarm_storm_but_a_burst_is_found()
    {
        // A mostly idle queue: 0 most of the time, sometimes 1 or 2.
        var random = new Random(7);
        var detector = new AnomalyDetector();
        List<AnomalyScore> idle = Feed(detector, 10_000, _ => random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 });
        Alarms(idle).Length.Should().BeLessThanOrEqualTo(10, "at most one alarm per 1,000 idle observations");

        List<AnomalyScore> burst = Feed(detector, 1, _ => 50, first: 10_000);
        burst[0].Phase.Should().Be(AnomalyPhase.Started, "a queue of 50 is news");
    }

    [Fact]
    public void Quantized_values_do_not_make_every_step_look_enormous()
    {
        // A percentage reported in whole steps: 33 or 34 most of the time.
        var random = new Random(8);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 5000, _ => random.Next(100) < 60 ? 33 : 34);
        Alarms(scores).Length.Should().BeLessThanOrEqualTo(5);
    }

    [Fact]
    public void Heavy_tailed_noise_is_judged_by_its_own_tail()
    {
        // Log-normal noise: occasional values ten times the median are normal for this series.
        var random = new Random(9);
        List<AnomalyScore> scores = Feed(new AnomalyDetector(), 10_000, _ => Math.Exp(random.Normal()));
        Alarms(scores).Length.Should().BeLessThanOrEqualTo(10, "at most one alarm per 1,000 observations");
    }

    [Fact]
    public void A_gap_in_the_data_is_not_an_anomaly()
    {
        var random = new Random(10);
        var detector = new AnomalyDetector();
        List<AnomalyScore> before = Feed(detector, 3 * PerDay, i => Daily(i, random));
        List<AnomalyScore> after = Feed(detector, PerDay, i => Daily(i, random), first: (3 * PerDay) + 36); // three hours missing

        Alarms(before).Should().BeEmpty();
        Alarms(after).Should().BeEmpty();
    }

    [Fact]
    public void Nothing_is_scored_during_warm_up_and_non_finite_or_late_values_are_ignored()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { WarmupSamples = 10 });
        List<AnomalyScore> warmup = Feed(detector, 9, i => i == 5 ? 1e9 : 3);
        warmup.Should().OnlyContain(s => s.Score == 0 && s.Phase == AnomalyPhase.None);

        AnomalyScore nan = detector.Observe(Start + (FiveMinutes * 9), double.NaN);
        AnomalyScore late = detector.Observe(Start, 4);
        (nan.Score, late.Score).Should().Be((0, 0));
        detector.Observed.Should().Be(9);
    }

    [Fact]
    public void Scores_stay_in_range_and_phases_follow_each_other_on_any_series()
    {
        Func<Random, int, double>[] shapes =
        [
            (r, i) => r.Normal(),
            (r, i) => Math.Exp(3 * r.Normal()),
            (r, i) => r.Next(3),
            (r, i) => i % 500 < 250 ? 0 : 1e6 * r.NextDouble(),
            (r, i) => -1e-6 * i + (1e-9 * r.Normal()),
            (r, i) => r.Next(50) == 0 ? double.NaN : Math.Sin(i) * 1e12,
        ];
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            Func<Random, int, double> shape = shapes[seed % shapes.Length];
            var options = new AnomalyDetectorOptions { QuietPeriod = 1 + random.Next(100), Threshold = random.Between(0.05, 1) };
            var detector = new AnomalyDetector(options);
            bool inside = false;
            for (int i = 0; i < 3000; i++)
            {
                AnomalyScore s = detector.Observe(Start + TimeSpan.FromSeconds(i * (1 + random.Next(3))), shape(random, i));
                s.Score.Should().BeInRange(0, 1);
                switch (s.Phase)
                {
                    case AnomalyPhase.Started:
                        inside.Should().BeFalse("an anomaly starts only when none is under way");
                        s.Score.Should().BeGreaterThanOrEqualTo(options.Threshold);
                        inside = true;
                        break;
                    case AnomalyPhase.Continuing:
                        inside.Should().BeTrue();
                        break;
                    case AnomalyPhase.Ended:
                        inside.Should().BeTrue();
                        inside = false;
                        break;
                    default:
                        inside.Should().BeFalse();
                        s.Score.Should().BeLessThan(options.Threshold);
                        break;
                }
            }
        }
    }

    [Fact]
    public void The_same_input_gives_the_same_scores()
    {
        var a = new AnomalyDetector();
        var b = new AnomalyDetector();
        var random = new Random(11);
        double[] values = [.. Enumerable.Range(0, 2000).Select(i => Daily(i, random) + (i == 1500 ? 20 : 0))];
        Feed(a, values.Length, i => values[i]).Should().Equal(Feed(b, values.Length, i => values[i]));
    }

    [Fact]
    public void Observing_allocates_nothing_after_warm_up()
    {
        var random = new Random(12);
        double[] values = [.. Enumerable.Range(0, 20_000).Select(i => Daily(i, random))];
        var detector = new AnomalyDetector();
        Feed(detector, PerDay * 2, i => values[i]);

        // Two measured halves: an allocation per observation shows in both; the runtime's own one-off work on
        // this thread (tiered compilation moving the loop to optimized code) shows in one at most.
        int middle = (PerDay * 2 + values.Length) / 2;
        long Measure(int from, int to)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = from; i < to; i++)
            {
                detector.Observe(Start + (FiveMinutes * i), values[i]);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long first = Measure(PerDay * 2, middle);
        long second = Measure(middle, values.Length);
        Math.Min(first, second).Should().Be(0, $"{middle - PerDay * 2} observations allocated {first} B, the next {values.Length - middle} {second} B");
    }

    [Fact]
    public void Invalid_options_are_named_together()
    {
        Action create = () => _ = new AnomalyDetector(new AnomalyDetectorOptions { Horizon = 4, Threshold = 0, QuietPeriod = 0, WarmupSamples = 1 });
        create.Should().Throw<ArgumentException>().WithParameterName("options")
            .Which.Message.Should().Contain("Horizon is 4; allowed: 100 to 1,000,000.")
            .And.Contain("Threshold is 0; allowed: greater than 0 and at most 1.")
            .And.Contain("QuietPeriod is 0; allowed: 1 to 100,000.")
            .And.Contain("WarmupSamples is 1; allowed: 10 to 100,000.");
    }
}
