namespace SelfHealing.Metrics.Analysis;

/// <summary>Sensitivity of an <see cref="AnomalyDetector"/>. The defaults need no tuning per series: each surprise is calibrated against the series' own history.</summary>
public sealed class AnomalyDetectorOptions
{
    /// <summary>Gets or sets the score at which an anomaly starts.</summary>
    /// <value>
    /// Default 0.25: five times the smallest tail probability is at most 10^-2.5, so the most unusual of the five surprises
    /// is one the series shows less than about once in 1,600 observations. Allowed greater than 0 and at most 1; higher
    /// raises fewer and larger alarms.
    /// </value>
    public double Threshold { get; set; } = 0.25;

    /// <summary>Gets or sets how many observations the long-run level, the scales and the calibration remember (an older one weighs 1/e).</summary>
    /// <value>Default 2,000; allowed 100 to 1,000,000. Memory does not grow with it.</value>
    public int Horizon { get; set; } = 2000;

    /// <summary>Gets or sets how many values are seen before anything is scored.</summary>
    /// <value>Default 100; allowed 10 to 100,000.</value>
    public int WarmupSamples { get; set; } = 100;

    /// <summary>Gets or sets how many observations in a row with a score under half the threshold end an anomaly.</summary>
    /// <value>Default 50; allowed 1 to 100,000.</value>
    public int QuietPeriod { get; set; } = 50;

    /// <summary>Gets or sets whether the detector learns a daily cycle from the timestamps (when observations are less than six hours apart).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool DailyCycle { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the detector also learns a weekly cycle (weekdays unlike weekends): for each hour of the week,
    /// what the daily cycle got wrong at that hour in the weeks before, added to the daily prediction. Needs the daily
    /// cycle and observations at most an hour apart; a week's hour predicts from the second week on.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool WeeklyCycle { get; set; } = true;

    internal AnomalyDetectorOptions Copy() => (AnomalyDetectorOptions)MemberwiseClone();

    internal void ThrowIfInvalid() => Check(string.Empty).ThrowIfAny("options");

    /// <summary>Checks every option; messages name keys under <paramref name="prefix"/>.</summary>
    internal OptionErrors Check(string prefix)
    {
        var errors = new OptionErrors(prefix);
        errors.Positive(nameof(Threshold), Threshold, 1);
        errors.Range(nameof(Horizon), Horizon, 100, 1_000_000);
        errors.Range(nameof(WarmupSamples), WarmupSamples, 10, 100_000);
        errors.Range(nameof(QuietPeriod), QuietPeriod, 1, 100_000);
        return errors;
    }
}
