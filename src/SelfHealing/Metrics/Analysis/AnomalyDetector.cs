namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// Streaming anomaly detection for one series, one value per time bucket. Two robust rules run side by side:
/// a value more than <see cref="AnomalyDetectorOptions.Threshold"/> robust standard deviations from the median
/// of the recent window is a <see cref="AnomalyKind.Point"/> anomaly (spikes, dips, level shifts); a two-sided
/// cumulative sum of those deviations past <see cref="AnomalyDetectorOptions.DriftThreshold"/> is a
/// <see cref="AnomalyKind.Drift"/> (slow changes that no single value betrays). The scale is the median absolute
/// deviation (falling back to the standard deviation when more than half the window is one value), so
/// outliers in the window do not hide the next one. Every value, anomalous or not, enters the window: after a
/// lasting level shift the baseline follows within half a window.
/// </summary>
/// <remarks>Not thread-safe: one writer per series (the collector feeds it as each bucket closes).</remarks>
public sealed class AnomalyDetector
{

    private readonly AnomalyDetectorOptions _options;
    private readonly double[] _window;
    private readonly double[] _scratch;
    private int _count;
    private int _next;
    private double _upperSum;
    private double _lowerSum;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The sensitivity; defaults when <see langword="null"/>. Copied.</param>
    /// <exception cref="ArgumentException">An option is out of its range; the message names each one.</exception>
    public AnomalyDetector(AnomalyDetectorOptions? options = null)
    {
        AnomalyDetectorOptions o = options ?? new AnomalyDetectorOptions();
        o.ThrowIfInvalid();
        _options = o.Copy();
        _window = new double[o.WindowSize];
        _scratch = new double[o.WindowSize];
    }

    /// <summary>Gets how many values have been observed (non-finite ones are not counted).</summary>
    public long Observed { get; private set; }

    /// <summary>Observes the next value and tells whether it is anomalous.</summary>
    /// <param name="value">The bucket's value. NaN and infinities are ignored (and return no anomaly).</param>
    /// <param name="anomaly">The anomaly, when there is one.</param>
    /// <returns><see langword="true"/> when the value is anomalous.</returns>
    public bool Observe(double value, out Anomaly anomaly)
    {
        anomaly = default;
        if (!double.IsFinite(value))
        {
            return false;
        }

        bool found = false;
        if (_count >= _options.WarmupSamples)
        {
            (double median, double scale) = Baseline();
            double z = (value - median) / scale;
            double bound = _options.Threshold * scale;

            // The drift sums are fed with deviations clipped at the point threshold, so one spike alone
            // cannot raise a drift alarm.
            double clipped = Math.Clamp(z, -_options.Threshold, _options.Threshold);
            _upperSum = Math.Max(0, _upperSum + clipped - _options.DriftAllowance);
            _lowerSum = Math.Min(0, _lowerSum + clipped + _options.DriftAllowance);

            if (Math.Abs(z) > _options.Threshold)
            {
                anomaly = new Anomaly(AnomalyKind.Point, value, median, median - bound, median + bound, z);
                found = true;
            }
            else if (_upperSum > _options.DriftThreshold || -_lowerSum > _options.DriftThreshold)
            {
                double sum = _upperSum > _options.DriftThreshold ? _upperSum : _lowerSum;
                anomaly = new Anomaly(AnomalyKind.Drift, value, median, median - bound, median + bound, sum);
                found = true;
            }

            if (found)
            {
                // Start counting afresh, so a lasting change is reported again only if it keeps going.
                _upperSum = 0;
                _lowerSum = 0;
            }
        }

        _window[_next] = value;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
        Observed++;
        return found;
    }

    private (double Median, double Scale) Baseline()
    {
        Span<double> values = _scratch.AsSpan(0, _count);
        _window.AsSpan(0, _count).CopyTo(values);
        double median = RobustStatistics.Median(values);
        double scale = RobustStatistics.SigmaFromMad(values, median);
        if (scale <= 0)
        {
            // More than half the window is one value (an idle queue, a discrete count): the median deviation
            // says nothing, so the plain standard deviation of the window stands in.
            scale = StandardDeviation(_window.AsSpan(0, _count));
        }

        // A window of one repeated value: any change at all is news, so the scale is kept tiny but not zero.
        return (median, scale > 0 ? scale : Math.Max(Math.Abs(median) * 1e-9, double.Epsilon));
    }

    private static double StandardDeviation(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double squares = 0;
        foreach (double v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }
}
