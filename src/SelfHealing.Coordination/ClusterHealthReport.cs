using SelfHealing.Health;

namespace SelfHealing.Coordination;

/// <summary>One node's last report of one of its components.</summary>
/// <param name="Node">The reporting node.</param>
/// <param name="Component">The component.</param>
/// <param name="Level">Its level on that node.</param>
/// <param name="Reason">Why, when not healthy.</param>
/// <param name="Timestamp">When the leader appended the report.</param>
public sealed record ClusterHealthReport(string Node, string Component, HealthLevel Level, string? Reason, DateTimeOffset Timestamp);
