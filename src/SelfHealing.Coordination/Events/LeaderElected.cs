using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>This node learned of a new leader (or that there is none).</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Leader">The leader's id; <see langword="null"/> while there is none (an election, or this node is cut off).</param>
/// <param name="Term">The Raft term.</param>
/// <param name="IsLocal">Whether this node is the leader.</param>
public sealed record LeaderElected(string Source, DateTimeOffset Timestamp, string? Leader, long Term, bool IsLocal) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
