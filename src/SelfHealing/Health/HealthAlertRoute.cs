namespace SelfHealing.Health;

/// <summary>Which alerts a sink receives.</summary>
public sealed class HealthAlertRoute
{
    /// <summary>Gets or sets the least severity the sink receives.</summary>
    /// <value>Default <see cref="AlertSeverity.Info"/>: every alert.</value>
    public AlertSeverity MinimumSeverity { get; set; } = AlertSeverity.Info;

    /// <summary>Gets the components whose alerts the sink receives; empty for every component.</summary>
    public ISet<string> Components { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether the sink receives prediction alerts.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Predictions { get; set; } = true;

    internal bool Matches(HealthAlert alert) =>
        alert.Severity >= MinimumSeverity
        && (Components.Count == 0 || Components.Contains(alert.Component))
        && (Predictions || alert.Kind != AlertKind.Prediction);
}
