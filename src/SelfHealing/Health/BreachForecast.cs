using System.Buffers;
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
    /// How far, in robust standard deviations of the residuals around the fitted line, the line must move over the
    /// samples for a forecast: short windows of pure noise often show a "significant" trend, rarely one this large.
    /// </summary>
    public const double NoiseMultiple = 3;

    /// <summary>
    /// Forecasts, from a metric's recent samples, the worst level of <paramref name="threshold"/> its trend
    /// reaches within <paramref name="horizon"/> and not yet reached by the latest value. Returns
    /// <see langword="null"/> when the trend is stable (at <paramref name="significance"/>), heads the other way,
    /// moves less than <see cref="NoiseMultiple"/> times the noise over the samples, or reaches no new level in time.
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
        return PredictValid(samples, threshold, horizon, significance);
    }

    /// <summary><see cref="Predict"/> for a threshold already validated.</summary>
    internal static BreachForecast? PredictValid(
        IReadOnlyList<(DateTimeOffset Time, double Value)> samples,
        MetricThreshold threshold,
        TimeSpan horizon,
        double significance = 0.05)
    {
        Trend trend = TrendAnalysis.Analyze(samples, significance, directionOnly: true);
        bool higherIsWorse = threshold.Direction == ThresholdDirection.HigherIsWorse;
        if (trend.Direction != (higherIsWorse ? TrendDirection.Increasing : TrendDirection.Decreasing))
        {
            return null;
        }

        if (!StandsOutOfNoise(samples, trend))
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

    // Short windows of pure noise show "significant" trends now and then; a forecast also needs the line to rise
    // (or fall) over the samples by at least NoiseMultiple robust standard deviations of the residuals.
    private static bool StandsOutOfNoise(IReadOnlyList<(DateTimeOffset Time, double Value)> samples, Trend trend)
    {
        double[] residuals = ArrayPool<double>.Shared.Rent(samples.Count);
        try
        {
            int count = 0;
            DateTimeOffset first = default;
            DateTimeOffset last = default;
            foreach ((DateTimeOffset time, double value) in samples)
            {
                if (double.IsFinite(value))
                {
                    first = count == 0 ? time : first;
                    last = time;
                    residuals[count++] = value - trend.ValueAt(time);
                }
            }

            Span<double> spread = residuals.AsSpan(0, count);
            double median = RobustStatistics.Median(spread);
            double sigma = RobustStatistics.SigmaFromMad(spread, median);
            return Math.Abs(trend.Slope) * (last - first).TotalSeconds >= NoiseMultiple * sigma;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(residuals);
        }
    }
}
