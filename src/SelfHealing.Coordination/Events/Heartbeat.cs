using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>This node's periodic account of its place in the cluster.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Node">This node's id.</param>
/// <param name="Role">Its role.</param>
/// <param name="Leader">The leader it follows; <see langword="null"/> when none is visible.</param>
/// <param name="Term">The Raft term.</param>
/// <param name="AppliedIndex">The last log index applied here.</param>
/// <param name="HasQuorum">Whether it is on the majority side and may take cluster-wide actions.</param>
public sealed record Heartbeat(string Source, DateTimeOffset Timestamp, string Node, ClusterRole Role, string? Leader, long Term, long AppliedIndex, bool HasQuorum) : SelfHealingEvent(Source, Timestamp);
