namespace SelfHealing.Health;

/// <summary>One entry of a component's history: its level after a check or report, and the values it carried.</summary>
/// <param name="Timestamp">When the check or report ended.</param>
/// <param name="Level">The component's level after it.</param>
/// <param name="Metrics">The values it carried, by name (empty for a health check without data).</param>
public sealed record HealthSample(DateTimeOffset Timestamp, HealthLevel Level, IReadOnlyDictionary<string, double> Metrics);
