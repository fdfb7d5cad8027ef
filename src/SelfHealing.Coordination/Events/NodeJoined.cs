using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>A member became reachable from this node.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Node">The member's id.</param>
/// <param name="Endpoint">Its endpoint.</param>
public sealed record NodeJoined(string Source, DateTimeOffset Timestamp, string Node, string Endpoint) : SelfHealingEvent(Source, Timestamp);
