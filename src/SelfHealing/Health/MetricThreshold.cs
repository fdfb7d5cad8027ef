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
    internal void ThrowIfInvalid(string key, string paramName)
    {
        var errors = new List<string>();
        CultureInfo c = CultureInfo.InvariantCulture;
        double?[] levels = [Degraded, Critical, Failed];
        string[] names = [nameof(Degraded), nameof(Critical), nameof(Failed)];
        for (int i = 0; i < levels.Length; i++)
        {
            if (levels[i] is { } level && !double.IsFinite(level))
            {
                errors.Add(string.Create(c, $"{key}:{names[i]} is {level}; allowed: a finite number."));
            }
        }

        if (levels.All(l => l is null))
        {
            errors.Add($"{key} sets no level; allowed: at least one of {nameof(Degraded)}, {nameof(Critical)}, {nameof(Failed)}.");
        }

        // Levels must get worse in the metric's direction: degraded before critical before failed.
        double? previous = null;
        string? previousName = null;
        for (int i = 0; i < levels.Length; i++)
        {
            if (levels[i] is not { } level || !double.IsFinite(level))
            {
                continue;
            }

            if (previous is { } p && (Direction == ThresholdDirection.HigherIsWorse ? level <= p : level >= p))
            {
                string order = Direction == ThresholdDirection.HigherIsWorse ? "above" : "below";
                errors.Add(string.Create(c, $"{key}:{names[i]} is {level}; allowed: {order} {previousName} ({p}) for {Direction}."));
            }

            previous = level;
            previousName = names[i];
        }

        if (!Enum.IsDefined(Direction))
        {
            errors.Add($"{key}:{nameof(Direction)} is {Direction}; allowed: {string.Join(", ", Enum.GetNames<ThresholdDirection>())}.");
        }

        if (!(Hysteresis >= 0 && double.IsFinite(Hysteresis)))
        {
            errors.Add(string.Create(c, $"{key}:{nameof(Hysteresis)} is {Hysteresis}; allowed: 0 or more, finite."));
        }

        if (SamplesToWorsen is < 1 or > 1000)
        {
            errors.Add(string.Create(c, $"{key}:{nameof(SamplesToWorsen)} is {SamplesToWorsen}; allowed: 1 to 1,000."));
        }

        if (SamplesToRecover is < 1 or > 1000)
        {
            errors.Add(string.Create(c, $"{key}:{nameof(SamplesToRecover)} is {SamplesToRecover}; allowed: 1 to 1,000."));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), paramName);
        }
    }
}
