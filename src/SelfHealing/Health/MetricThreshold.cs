using System.Globalization;

namespace SelfHealing.Health;

/// <summary>
/// The levels at which one metric makes a component degraded, critical or failed, with the rules that keep a
/// noisy metric from flapping: a worse level is entered only after <see cref="SamplesToWorsen"/> samples in a
/// row at or past it, and left only after <see cref="SamplesToRecover"/> samples in a row back by at least
/// <see cref="Hysteresis"/> from its threshold.
/// </summary>
public sealed class MetricThreshold
{
    /// <summary>Gets or sets the value at which the metric is degraded, or <see langword="null"/> for no such level.</summary>
    public double? Degraded { get; set; }

    /// <summary>Gets or sets the value at which the metric is critical, or <see langword="null"/> for no such level.</summary>
    public double? Critical { get; set; }

    /// <summary>Gets or sets the value at which the metric has failed, or <see langword="null"/> for no such level.</summary>
    public double? Failed { get; set; }

    /// <summary>Gets or sets which way the metric gets worse.</summary>
    /// <value>Default <see cref="ThresholdDirection.HigherIsWorse"/>.</value>
    public ThresholdDirection Direction { get; set; } = ThresholdDirection.HigherIsWorse;

    /// <summary>Gets or sets how far back past a threshold (in the metric's units) a value must be to count towards leaving that level.</summary>
    /// <value>Default 0; allowed 0 or more, finite.</value>
    public double Hysteresis { get; set; }

    /// <summary>Gets or sets how many samples in a row at or past a worse level it takes to enter it.</summary>
    /// <value>Default 3; allowed 1 to 1,000.</value>
    public int SamplesToWorsen { get; set; } = 3;

    /// <summary>Gets or sets how many samples in a row back past the hysteresis it takes to leave a level.</summary>
    /// <value>Default 3; allowed 1 to 1,000.</value>
    public int SamplesToRecover { get; set; } = 3;

    internal MetricThreshold Copy() => (MetricThreshold)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem, each prefixed with <paramref name="key"/>.</summary>
    internal void ThrowIfInvalid(string key, string paramName) => Check(key).ThrowIfAny(paramName);

    /// <summary>Lists every problem, each prefixed with <paramref name="key"/>.</summary>
    internal OptionErrors Check(string key)
    {
        var errors = new OptionErrors(key);
        double?[] levels = [Degraded, Critical, Failed];
        string[] names = [nameof(Degraded), nameof(Critical), nameof(Failed)];
        if (levels.All(l => l is null))
        {
            errors.AddMessage($"{key} sets no level; allowed: at least one of {nameof(Degraded)}, {nameof(Critical)}, {nameof(Failed)}.");
        }

        // Levels must get worse in the metric's direction: degraded before critical before failed.
        (double Value, string Name)? previous = null;
        for (int i = 0; i < levels.Length; i++)
        {
            if (levels[i] is not { } level)
            {
                continue;
            }

            if (!double.IsFinite(level))
            {
                errors.Add(names[i], level, "a finite number");
                continue;
            }

            if (previous is { } p && (Direction == ThresholdDirection.HigherIsWorse ? level <= p.Value : level >= p.Value))
            {
                string side = Direction == ThresholdDirection.HigherIsWorse ? "above" : "below";
                errors.Add(names[i], level, string.Create(CultureInfo.InvariantCulture, $"{side} {p.Name} ({p.Value}) for {Direction}"));
            }

            previous = (level, names[i]);
        }

        errors.Defined(nameof(Direction), Direction);
        if (!(Hysteresis >= 0 && double.IsFinite(Hysteresis)))
        {
            errors.Add(nameof(Hysteresis), Hysteresis, "0 or more, finite");
        }

        errors.Range(nameof(SamplesToWorsen), SamplesToWorsen, 1, 1000);
        errors.Range(nameof(SamplesToRecover), SamplesToRecover, 1, 1000);
        return errors;
    }
}
