namespace SelfHealing.Coordination;

/// <summary>A node's right, for a while, to act on a shared target (for example, to restart a shared database).</summary>
/// <param name="Target">What is acted on, for example <c>orders-db</c>.</param>
/// <param name="Component">The component that asked, on the holder.</param>
/// <param name="Action">What the holder does, for example <c>Restart</c>.</param>
/// <param name="Holder">The node that holds it.</param>
/// <param name="LeaseId">Identifies this grant; a renewal by the same holder keeps it.</param>
/// <param name="GrantedAt">When it was granted (the leader's clock).</param>
/// <param name="ExpiresAt">When it lapses unless renewed (the leader's clock).</param>
public sealed record ClusterLease(string Target, string Component, string Action, string Holder, Guid LeaseId, DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Gets the grant's fencing token: the log index of the grant, kept by renewals, larger for every later grant on
    /// the same target. A shared target that remembers the largest token it has seen can refuse a holder whose lease
    /// has been given to another (see docs/coordination.md).
    /// </summary>
    public long FencingToken { get; init; }
}
