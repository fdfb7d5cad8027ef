using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Health;

/// <summary>A forecast that a metric will reach a worse level.</summary>
/// <param name="Level">The worst level the trend reaches within the horizon.</param>
/// <param name="Threshold">That level's threshold.</param>
/// <param name="TimeUntil">How long after the last sample the fitted line reaches it.</param>
/// <param name="Trend">The trend the forecast comes from.</param>
public sealed record BreachForecast(HealthLevel Level, double Threshold, TimeSpan TimeUntil, Trend Trend)
{
    /// <summary>
    /// Forecasts, from a metric's recent samples, the worst level of <paramref name="threshold"/> its trend
    /// reaches within <paramref name="horizon"/> and not yet reached by the latest value. Returns
    /// <see langword="null"/> when the trend is stable (at <paramref name="significance"/>), heads the other way,
    /// or reaches no new level in time.
    /// </summary>
    /// <param name="samples">Times and values, in time order.</param>
    /// <param name="threshold">The metric's levels.</param>
    /// <param name="horizon">How far ahead to look. Must be positive.</param>
    /// <param name="significance">The p-value below which a trend counts (see <see cref="TrendAnalysis"/>).</param>
    /// <returns>The forecast, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The threshold is invalid or the samples are out of order.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is not positive, or the significance is out of range.</exception>
    public static BreachForecast? Predict(
        IReadOnlyList<(DateTimeOffset Time, double Value)> samples,
        MetricThreshold threshold,
        TimeSpan horizon,
        double significance = 0.05)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(threshold);
        threshold.ThrowIfInvalid(nameof(threshold), nameof(threshold));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);

        Trend trend = TrendAnalysis.Analyze(samples, significance);
        bool higherIsWorse = threshold.Direction == ThresholdDirection.HigherIsWorse;
        if (trend.Direction != (higherIsWorse ? TrendDirection.Increasing : TrendDirection.Decreasing))
        {
            return null;
        }

        double latest = samples.Last(s => double.IsFinite(s.Value)).Value;
        (HealthLevel Level, double? Value)[] levels =
            [(HealthLevel.Failed, threshold.Failed), (HealthLevel.Critical, threshold.Critical), (HealthLevel.Degraded, threshold.Degraded)];
        foreach ((HealthLevel level, double? value) in levels)
        {
            if (value is not { } limit || (higherIsWorse ? latest >= limit : latest <= limit))
            {
                continue; // no such level, or already there: nothing to predict
            }

            if (trend.TimeUntil(limit) is { } eta && eta <= horizon)
            {
                return new BreachForecast(level, limit, eta, trend);
            }
        }

        return null;
    }
}
