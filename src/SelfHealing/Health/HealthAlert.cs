namespace SelfHealing.Health;

/// <summary>
/// A notification about a condition of one component, sent to the alert sinks whose route matches. One
/// condition (one component's status, or one metric's forecast) is one alert: raised once, updated when its
/// severity changes, resolved when it clears.
/// </summary>
/// <param name="Key">Identifies the condition: <c>{component}/status</c> or <c>{component}/prediction/{metric}</c>.</param>
/// <param name="Component">The component.</param>
/// <param name="Kind">What it is about.</param>
/// <param name="Severity">How urgent it is; a resolution carries the severity it had.</param>
/// <param name="State">Raised, updated or resolved.</param>
/// <param name="Message">What happened, in words.</param>
/// <param name="RaisedAt">When the condition began.</param>
/// <param name="Timestamp">When this notification was decided.</param>
public sealed record HealthAlert(
    string Key,
    string Component,
    AlertKind Kind,
    AlertSeverity Severity,
    AlertState State,
    string Message,
    DateTimeOffset RaisedAt,
    DateTimeOffset Timestamp)
{
    /// <summary>Gets the metric of a prediction alert; <see langword="null"/> for a status alert.</summary>
    public string? Metric { get; init; }
}
