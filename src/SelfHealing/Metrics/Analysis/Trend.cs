namespace SelfHealing.Metrics.Analysis;

/// <summary>The trend of a series over a range.</summary>
/// <param name="Direction">Rising, falling or stable, at the significance level asked for.</param>
/// <param name="Slope">The robust slope (Theil–Sen: the median of the slopes between every pair of points), in value units per second.</param>
/// <param name="Intercept">The value of the fitted line at the time of the last point.</param>
/// <param name="Confidence">How sure the direction is: one minus the two-sided p-value of the Mann–Kendall test (0 to 1).</param>
/// <param name="Points">How many points were analysed.</param>
/// <param name="End">The time of the last point.</param>
public sealed record Trend(TrendDirection Direction, double Slope, double Intercept, double Confidence, int Points, DateTimeOffset End)
{
    /// <summary>The value the fitted line gives at <paramref name="time"/>.</summary>
    /// <param name="time">The time to forecast.</param>
    /// <returns>The forecast value.</returns>
    public double ValueAt(DateTimeOffset time) => Intercept + (Slope * (time - End).TotalSeconds);

    /// <summary>
    /// How long after <see cref="End"/> the fitted line reaches <paramref name="threshold"/>:
    /// <see cref="TimeSpan.Zero"/> when it is already at or past it in its direction of travel (a rising line
    /// above the threshold, a falling one below it), <see langword="null"/> when the series is stable.
    /// </summary>
    /// <param name="threshold">The level to reach.</param>
    /// <returns>The time until the line reaches the threshold, if it moves at all.</returns>
    /// <exception cref="ArgumentException"><paramref name="threshold"/> is not a finite number.</exception>
    public TimeSpan? TimeUntil(double threshold)
    {
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentException($"The threshold must be a finite number; it is {threshold}.", nameof(threshold));
        }

        if (Direction == TrendDirection.Stable || Slope == 0)
        {
            return null;
        }

        double seconds = (threshold - Intercept) / Slope;
        if (seconds <= 0)
        {
            return TimeSpan.Zero;
        }

        return seconds >= TimeSpan.MaxValue.TotalSeconds ? null : TimeSpan.FromSeconds(seconds);
    }
}
