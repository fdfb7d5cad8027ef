using SelfHealing.Metrics.Analysis;

using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics.Analysis;

public sealed class TrendAnalysisTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<(DateTimeOffset Time, double Value)> Series(int n, Func<int, double> value) =>
        [.. Enumerable.Range(0, n).Select(i => (Start.AddSeconds(i), value(i)))];

    [Fact]
    public void A_noisy_ramp_is_increasing_with_its_slope_and_crossing_time()
    {
        var random = new Random(1);
        Trend trend = TrendAnalysis.Analyze(Series(300, i => 50 + (0.5 * i) + (5 * random.Normal())));
        trend.Direction.Should().Be(TrendDirection.Increasing);
        trend.Confidence.Should().BeGreaterThan(0.999);
        trend.Slope.Should().BeApproximately(0.5, 0.025);
        trend.End.Should().Be(Start.AddSeconds(299));
        trend.ValueAt(trend.End).Should().BeApproximately(50 + (0.5 * 299), 2);

        // The line reaches 400 at t = 700 s, 401 s after the last point.
        trend.TimeUntil(400)!.Value.TotalSeconds.Should().BeApproximately(401, 401 * 0.05);
        trend.TimeUntil(0).Should().Be(TimeSpan.Zero, "already above it, moving up");
    }

    [Fact]
    public void A_falling_series_is_decreasing_and_already_past_a_level_above_it()
    {
        var random = new Random(2);
        Trend trend = TrendAnalysis.Analyze(Series(120, i => 1000 - (3 * i) + (10 * random.Normal())));
        trend.Direction.Should().Be(TrendDirection.Decreasing);
        trend.Slope.Should().BeApproximately(-3, 0.2);
        trend.TimeUntil(2000).Should().Be(TimeSpan.Zero, "already below it, moving down");
        trend.TimeUntil(100)!.Value.TotalSeconds.Should().BeApproximately((1000 - 100) / 3.0 - 119, 15);
    }

    [Fact]
    public void Outliers_barely_move_the_robust_slope()
    {
        var random = new Random(3);
        Trend trend = TrendAnalysis.Analyze(Series(200, i => random.Next(10) == 0 ? 10_000 : 10 + (0.2 * i) + random.Normal()));
        trend.Direction.Should().Be(TrendDirection.Increasing);
        trend.Slope.Should().BeApproximately(0.2, 0.02);
    }

    [Fact]
    public void Pure_noise_rarely_looks_like_a_trend_at_the_chosen_significance()
    {
        int falseTrends = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            Trend trend = TrendAnalysis.Analyze(Series(60, _ => 100 + (10 * random.Normal())), significance: 0.05);
            falseTrends += trend.Direction == TrendDirection.Stable ? 0 : 1;
            if (trend.Direction == TrendDirection.Stable)
            {
                trend.TimeUntil(200).Should().BeNull();
            }
        }

        // 5% expected by construction of the test; these 200 seeded series give a fixed count under 8%.
        falseTrends.Should().BeLessThan(16);
        falseTrends.Should().BeGreaterThan(0, "a test at 5% that never fires on noise would be suspicious");
    }

    [Fact]
    public void Constant_short_and_gappy_series_are_handled()
    {
        Trend constant = TrendAnalysis.Analyze(Series(50, _ => 7));
        constant.Should().Match<Trend>(t => t.Direction == TrendDirection.Stable && t.Slope == 0 && t.Intercept == 7);

        Trend two = TrendAnalysis.Analyze(Series(2, i => i));
        two.Should().Match<Trend>(t => t.Direction == TrendDirection.Stable && t.Confidence == 0 && t.Points == 2);

        TrendAnalysis.Analyze([]).Points.Should().Be(0);

        Trend gappy = TrendAnalysis.Analyze(Series(100, i => i % 3 == 0 ? double.NaN : i));
        gappy.Points.Should().Be(66);
        gappy.Slope.Should().BeApproximately(1, 1e-9);
    }

    [Fact]
    public void Long_series_are_thinned_to_the_maximum()
    {
        Trend trend = TrendAnalysis.Analyze(Series(10_000, i => i * 0.01));
        trend.Points.Should().BeLessThanOrEqualTo(TrendAnalysis.MaxPoints);
        trend.Slope.Should().BeApproximately(0.01, 1e-9);
    }

    [Fact]
    public void Bad_input_is_named()
    {
        Action disorder = () => TrendAnalysis.Analyze([(Start.AddSeconds(1), 1.0), (Start, 2.0)]);
        disorder.Should().Throw<ArgumentException>().WithParameterName("points").WithMessage("*time order*");
        Action significance = () => TrendAnalysis.Analyze(Series(5, i => i), significance: 1);
        significance.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("significance");
        Action threshold = () => TrendAnalysis.Analyze(Series(5, i => i)).TimeUntil(double.NaN);
        threshold.Should().Throw<ArgumentException>().WithParameterName("threshold");
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.96, 0.975)]
    [InlineData(-1.6449, 0.05)]
    [InlineData(3.0902, 0.999)]
    public void Normal_distribution_function_matches_tables(double z, double expected) =>
        TrendAnalysis.NormalCdf(z).Should().BeApproximately(expected, 1e-4);
}
