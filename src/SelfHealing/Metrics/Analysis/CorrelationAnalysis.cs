namespace SelfHealing.Metrics.Analysis;

/// <summary>Pearson correlation of two aligned series, searched over a range of lags to tell which moved first.</summary>
public static class CorrelationAnalysis
{
    /// <summary>The fewest pairs a coefficient is computed from.</summary>
    public const int MinimumPairs = 3;

    /// <summary>
    /// Correlates <paramref name="first"/> with <paramref name="second"/> (sample <c>i</c> of one with sample
    /// <c>i + lag</c> of the other) for every lag from <c>-maxLag</c> to <c>maxLag</c>, and returns the lag with
    /// the strongest correlation (largest |r|; on a tie, the smallest shift). Pairs with a non-finite value are
    /// skipped, so missing samples can be passed as NaN.
    /// </summary>
    /// <param name="first">The first series, one value per time bucket.</param>
    /// <param name="second">The second series, aligned on the same buckets.</param>
    /// <param name="maxLag">The largest shift tried, in samples.</param>
    /// <returns>The best correlation; undefined (NaN) when no lag has enough varying pairs.</returns>
    /// <exception cref="ArgumentException">The series differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLag"/> is negative.</exception>
    public static Correlation Analyze(ReadOnlySpan<double> first, ReadOnlySpan<double> second, int maxLag = 0)
    {
        if (first.Length != second.Length)
        {
            throw new ArgumentException($"The series must be aligned: the first has {first.Length} samples, the second {second.Length}.", nameof(second));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxLag);
        var best = new Correlation(double.NaN, 0, 0);
        for (int shift = 0; shift <= maxLag; shift++)
        {
            foreach (int lag in shift == 0 ? [0] : new[] { shift, -shift })
            {
                Correlation candidate = AtLag(first, second, lag);
                if (candidate.IsDefined && (!best.IsDefined || Math.Abs(candidate.Coefficient) > Math.Abs(best.Coefficient) + 1e-12))
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    private static Correlation AtLag(ReadOnlySpan<double> first, ReadOnlySpan<double> second, int lag)
    {
        // Two passes (means, then centred sums) keep the result accurate for large values with small variation.
        int start = Math.Max(0, -lag);
        int end = Math.Min(first.Length, second.Length - lag);
        int pairs = 0;
        double sumX = 0, sumY = 0;
        for (int i = start; i < end; i++)
        {
            double x = first[i], y = second[i + lag];
            if (double.IsFinite(x) && double.IsFinite(y))
            {
                pairs++;
                sumX += x;
                sumY += y;
            }
        }

        if (pairs < MinimumPairs)
        {
            return new Correlation(double.NaN, lag, pairs);
        }

        double meanX = sumX / pairs, meanY = sumY / pairs;
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = start; i < end; i++)
        {
            double x = first[i], y = second[i + lag];
            if (double.IsFinite(x) && double.IsFinite(y))
            {
                double dx = x - meanX, dy = y - meanY;
                sxx += dx * dx;
                syy += dy * dy;
                sxy += dx * dy;
            }
        }

        return sxx <= 0 || syy <= 0
            ? new Correlation(double.NaN, lag, pairs)
            : new Correlation(Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1), lag, pairs);
    }
}
