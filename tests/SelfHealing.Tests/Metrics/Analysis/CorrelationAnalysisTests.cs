using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Tests.Metrics.Analysis;

public sealed class CorrelationAnalysisTests
{
    private static double[] Walk(Random random, int n)
    {
        var values = new double[n];
        for (int i = 1; i < n; i++)
        {
            values[i] = values[i - 1] + (random.NextDouble() - 0.5);
        }

        return values;
    }

    [Fact]
    public void Finds_which_series_moved_first_and_by_how_much()
    {
        var random = new Random(5);
        double[] cause = Walk(random, 300);
        double[] effect = new double[300];
        for (int i = 0; i < 300; i++)
        {
            effect[i] = (i >= 4 ? 3 * cause[i - 4] : 0) + ((random.NextDouble() - 0.5) * 0.1);
        }

        Correlation forward = CorrelationAnalysis.Analyze(cause, effect, maxLag: 10);
        forward.Lag.Should().Be(4, "the cause moves 4 buckets before the effect");
        forward.Coefficient.Should().BeGreaterThan(0.95);
        forward.Pairs.Should().Be(296);

        CorrelationAnalysis.Analyze(effect, cause, maxLag: 10).Lag.Should().Be(-4);
    }

    [Fact]
    public void Opposite_independent_and_flat_series()
    {
        var random = new Random(6);
        double[] a = Walk(random, 200);
        CorrelationAnalysis.Analyze(a, [.. a.Select(x => 5 - (2 * x))]).Coefficient.Should().BeApproximately(-1, 1e-9);

        double[] noiseA = [.. Enumerable.Range(0, 2000).Select(_ => random.NextDouble())];
        double[] noiseB = [.. Enumerable.Range(0, 2000).Select(_ => random.NextDouble())];
        Math.Abs(CorrelationAnalysis.Analyze(noiseA, noiseB).Coefficient).Should().BeLessThan(0.1);

        Correlation flat = CorrelationAnalysis.Analyze(a, [.. a.Select(_ => 3.0)]);
        flat.IsDefined.Should().BeFalse();
    }

    [Fact]
    public void Missing_samples_are_skipped_and_large_values_stay_accurate()
    {
        double[] x = [.. Enumerable.Range(0, 100).Select(i => 1e12 + i)];
        double[] y = [.. Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? double.NaN : 1e12 + (2 * i))];
        Correlation c = CorrelationAnalysis.Analyze(x, y);
        c.Pairs.Should().Be(90);
        c.Coefficient.Should().BeApproximately(1, 1e-9);
        CorrelationAnalysis.Analyze([1.0, 2.0], [2.0, 4.0]).IsDefined.Should().BeFalse("two pairs are too few");
    }

    [Fact]
    public void Bad_input_is_named()
    {
        Action lengths = () => CorrelationAnalysis.Analyze([1.0, 2.0, 3.0], [1.0, 2.0]);
        lengths.Should().Throw<ArgumentException>().WithParameterName("second");
        Action lag = () => CorrelationAnalysis.Analyze([1.0], [1.0], -1);
        lag.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxLag");
    }
}
