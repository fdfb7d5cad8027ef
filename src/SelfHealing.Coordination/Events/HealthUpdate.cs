using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>A node's report of one of its components reached this node's cluster view.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Report">The report.</param>
public sealed record HealthUpdate(string Source, DateTimeOffset Timestamp, ClusterHealthReport Report) : SelfHealingEvent(Source, Timestamp);
