using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Tests.Metrics.Analysis;

public sealed class RobustStatisticsTests
{
    private static double SortedMedian(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    [Fact]
    public void The_median_by_selection_equals_the_median_of_the_sorted_values()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            int length = random.Next(1, 60);
            bool coarse = trial % 3 == 0; // many ties
            double[] values = [.. Enumerable.Range(0, length).Select(_ => coarse ? random.Next(0, 4) : random.NextDouble() * 100 - 50)];
            double expected = SortedMedian(values);
            RobustStatistics.Median(values.ToArray()).Should().Be(expected, $"trial {trial}: {string.Join(", ", values)}");
        }

        RobustStatistics.Median([]).Should().Be(double.NaN);
    }

    [Fact]
    public void The_spread_is_the_scaled_median_absolute_deviation()
    {
        double[] values = [1, 2, 3, 4, 100];
        double median = RobustStatistics.Median(values.ToArray());
        median.Should().Be(3);
        RobustStatistics.SigmaFromMad(values, median).Should().BeApproximately(1.4826, 1e-12, "the deviations are 2, 1, 0, 1, 97");
    }
}
