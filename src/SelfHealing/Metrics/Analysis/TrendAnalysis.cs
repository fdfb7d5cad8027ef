using System.Buffers;

namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// Trend of a series: the Theil–Sen slope (robust: up to 29% of the points can be outliers without moving it
/// far) and the Mann–Kendall test for its direction, which assumes no distribution for the noise.
/// </summary>
public static class TrendAnalysis
{
    /// <summary>The most points analysed; longer series are thinned evenly (both methods are quadratic).</summary>
    public const int MaxPoints = 2000;

    /// <summary>Finds the trend of the points.</summary>
    /// <param name="points">Times and values, in time order. Points with a non-finite value are skipped.</param>
    /// <param name="significance">The p-value below which a direction is reported (for example 0.05).</param>
    /// <returns>The trend; <see cref="TrendDirection.Stable"/> with confidence 0 for fewer than 3 usable points.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="significance"/> is not between 0 and 1 (exclusive).</exception>
    /// <exception cref="ArgumentException">The times are not in order.</exception>
    public static Trend Analyze(IReadOnlyList<(DateTimeOffset Time, double Value)> points, double significance = 0.05) =>
        Analyze(points, significance, directionOnly: false);

    /// <summary>
    /// Finds the trend; with <paramref name="directionOnly"/>, a series without a significant direction returns at
    /// once as <see cref="TrendDirection.Stable"/> with a NaN slope and intercept (the Theil–Sen slope, the costly
    /// part, is computed only for a significant direction).
    /// </summary>
    internal static Trend Analyze(IReadOnlyList<(DateTimeOffset Time, double Value)> points, double significance, bool directionOnly)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!(significance > 0 && significance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(significance), significance, "The significance must be greater than 0 and less than 1.");
        }

        List<(DateTimeOffset Time, double Value)> usable = Thin(points);
        if (usable.Count == 0)
        {
            return new Trend(TrendDirection.Stable, 0, double.NaN, 0, 0, default);
        }

        DateTimeOffset end = usable[^1].Time;
        int n = usable.Count;
        int pairs = (n * (n - 1)) / 2;

        // One pooled scratch array: times, values, sorted values (for ties), then the pairwise slopes (reused for
        // the residuals, as there are at least as many pairs as points from 3 points on).
        double[] scratch = ArrayPool<double>.Shared.Rent((3 * n) + Math.Max(pairs, n));
        try
        {
            Span<double> t = scratch.AsSpan(0, n);
            Span<double> y = scratch.AsSpan(n, n);
            for (int i = 0; i < n; i++)
            {
                t[i] = (usable[i].Time - end).TotalSeconds;
                y[i] = usable[i].Value;
            }

            Span<double> work = scratch.AsSpan(3 * n);
            if (n < 3)
            {
                y.CopyTo(work);
                return new Trend(TrendDirection.Stable, 0, RobustStatistics.Median(work[..n]), 0, n, end);
            }

            long s = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    s += Math.Sign(y[j] - y[i]);
                }
            }

            // Mann–Kendall: variance of S with the correction for tied values, then a continuity-corrected z.
            double variance = n * (n - 1.0) * ((2.0 * n) + 5) / 18.0;
            Span<double> sorted = scratch.AsSpan(2 * n, n);
            y.CopyTo(sorted);
            sorted.Sort();
            for (int i = 0; i < n;)
            {
                int tie = 1;
                while (i + tie < n && sorted[i + tie] == sorted[i])
                {
                    tie++;
                }

                variance -= tie * (tie - 1.0) * ((2.0 * tie) + 5) / 18.0;
                i += tie;
            }

            double z = variance <= 0 ? 0 : (s - Math.Sign(s)) / Math.Sqrt(variance);
            double p = 2 * (1 - NormalCdf(Math.Abs(z)));
            double confidence = Math.Clamp(1 - p, 0, 1);
            if (directionOnly && !(p < significance))
            {
                return new Trend(TrendDirection.Stable, double.NaN, double.NaN, confidence, n, end);
            }

            int count = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dt = t[j] - t[i];
                    if (dt > 0)
                    {
                        work[count++] = (y[j] - y[i]) / dt;
                    }
                }
            }

            double slope = count == 0 ? 0 : RobustStatistics.Median(work[..count]);
            for (int i = 0; i < n; i++)
            {
                work[i] = y[i] - (slope * t[i]);
            }

            double intercept = RobustStatistics.Median(work[..n]);
            TrendDirection direction = p < significance && slope != 0
                ? (s > 0 ? TrendDirection.Increasing : TrendDirection.Decreasing)
                : TrendDirection.Stable;
            return new Trend(direction, slope, intercept, confidence, n, end);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    private static List<(DateTimeOffset Time, double Value)> Thin(IReadOnlyList<(DateTimeOffset Time, double Value)> points)
    {
        var usable = new List<(DateTimeOffset Time, double Value)>(Math.Min(points.Count, MaxPoints));
        double step = Math.Max(1.0, points.Count / (double)MaxPoints);
        DateTimeOffset previous = DateTimeOffset.MinValue;
        for (double k = 0; k < points.Count; k += step)
        {
            (DateTimeOffset time, double value) = points[(int)k];
            if (time < previous)
            {
                throw new ArgumentException($"The points must be in time order; {time:O} follows {previous:O}.", nameof(points));
            }

            previous = time;
            if (double.IsFinite(value))
            {
                usable.Add((time, value));
            }
        }

        return usable;
    }

    /// <summary>The standard normal distribution function, from the error function.</summary>
    internal static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    // Coefficients of the complementary error function's Chebyshev fit (Numerical Recipes' erfcc), highest first.
    private static readonly double[] ErfcCoefficients =
        [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

    /// <summary>The complementary error function, with a relative error below 1.2e-7.</summary>
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double polynomial = 0;
        foreach (double coefficient in ErfcCoefficients)
        {
            polynomial = coefficient + (t * polynomial);
        }

        double r = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? r : 2 - r;
    }
}
