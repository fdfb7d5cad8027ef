using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>This node started and asks the cluster for the state it missed.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Node">This node's id.</param>
/// <param name="LogIndex">The last index committed in its own log (its snapshot included) when it started; 0 for a new node.</param>
public sealed record SyncRequest(string Source, DateTimeOffset Timestamp, string Node, long LogIndex) : SelfHealingEvent(Source, Timestamp);
