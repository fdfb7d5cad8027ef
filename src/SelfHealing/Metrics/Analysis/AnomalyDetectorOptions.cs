namespace SelfHealing.Metrics.Analysis;

/// <summary>Sensitivity of an <see cref="AnomalyDetector"/>.</summary>
public sealed class AnomalyDetectorOptions
{
    /// <summary>Gets or sets how many recent values form the baseline.</summary>
    /// <value>Default 60; allowed 8 to 10,000.</value>
    public int WindowSize { get; set; } = 60;

    /// <summary>Gets or sets how many values are seen before anything is flagged.</summary>
    /// <value>Default 30; allowed from 8 to <see cref="WindowSize"/>.</value>
    public int WarmupSamples { get; set; } = 30;

    /// <summary>Gets or sets how many robust standard deviations from the median make a single value anomalous.</summary>
    /// <value>Default 5; allowed greater than 0 and at most 100. Lower finds smaller spikes and flags more noise.</value>
    public double Threshold { get; set; } = 5;

    /// <summary>Gets or sets the cumulative sum (in robust standard deviations) that signals a drift.</summary>
    /// <value>Default 12; allowed greater than 0 and at most 1,000.</value>
    public double DriftThreshold { get; set; } = 12;

    /// <summary>Gets or sets the deviation per value (in robust standard deviations) the cumulative sum lets pass before it grows.</summary>
    /// <value>Default 1; allowed from 0 to 10.</value>
    public double DriftAllowance { get; set; } = 1;

    internal AnomalyDetectorOptions Copy() => (AnomalyDetectorOptions)MemberwiseClone();

    internal void ThrowIfInvalid() => Check(string.Empty).ThrowIfAny("options");

    /// <summary>Checks every option; messages name keys under <paramref name="prefix"/>.</summary>
    internal OptionErrors Check(string prefix)
    {
        var errors = new OptionErrors(prefix);
        errors.Range(nameof(WindowSize), WindowSize, 8, 10_000);
        if (WarmupSamples < 8 || WarmupSamples > WindowSize)
        {
            errors.Add(nameof(WarmupSamples), WarmupSamples, $"8 to {nameof(WindowSize)} ({WindowSize})");
        }

        errors.Positive(nameof(Threshold), Threshold, 100);
        errors.Positive(nameof(DriftThreshold), DriftThreshold, 1000);
        errors.Range(nameof(DriftAllowance), DriftAllowance, 0, 10);
        return errors;
    }
}
