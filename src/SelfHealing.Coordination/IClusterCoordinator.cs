using SelfHealing.Health;

namespace SelfHealing.Coordination;

/// <summary>
/// This node's part in the cluster: who leads, what the replicated state holds, and the cluster-wide actions. Every action
/// is appended to the Raft log by the leader (a follower forwards it) and applied on every node in the same order; on the
/// minority side of a partition each action is refused with <see cref="ClusterUnavailableException"/> (certainly not
/// applied). An action that reached the leader but was not answered in time throws <see cref="ClusterOutcomeUnknownException"/>:
/// it may be applied later; <see cref="WasApplied"/> and <see cref="RetryAsync"/> settle it.
/// </summary>
public interface IClusterCoordinator
{
    /// <summary>Gets this node's id.</summary>
    string NodeId { get; }

    /// <summary>Gets this node's role.</summary>
    ClusterRole Role { get; }

    /// <summary>Gets the leader's id; <see langword="null"/> when none is visible from this node.</summary>
    string? LeaderId { get; }

    /// <summary>Gets whether this node is on the majority side with a leader, so cluster-wide actions can be taken.</summary>
    bool HasQuorum { get; }

    /// <summary>Gets the current Raft term.</summary>
    long Term { get; }

    /// <summary>Gets the replicated state as this node has applied it.</summary>
    ClusterState State { get; }

    /// <summary>Waits until a leader is visible from this node.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a leader is visible; <see langword="false"/> on timeout.</returns>
    Task<bool> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Reports this node's breaker for a shared dependency open or closed; the circuit opens on every node when enough nodes report it open.</summary>
    /// <param name="circuit">The breaker's name.</param>
    /// <param name="open">Whether it is open here.</param>
    /// <param name="cancellationToken">Cancels the wait (an action already sent may still be applied).</param>
    /// <returns>A task that completes when the report is applied.</returns>
    Task ReportCircuitAsync(string circuit, bool open, CancellationToken cancellationToken = default);

    /// <summary>Reports one of this node's components to the cluster view (<see cref="ClusterState.Health"/>).</summary>
    /// <param name="component">The component.</param>
    /// <param name="level">Its level here.</param>
    /// <param name="reason">Why, when not healthy.</param>
    /// <param name="cancellationToken">Cancels the wait (an action already sent may still be applied).</param>
    /// <returns>A task that completes when the report is applied.</returns>
    Task ReportHealthAsync(string component, HealthLevel level, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Replicates configuration values; every node applies them through its adaptive configuration.</summary>
    /// <param name="values">The values by parameter name (typed or formatted).</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="cancellationToken">Cancels the wait (an action already sent may still be applied).</param>
    /// <returns>A task that completes when the change is applied here.</returns>
    Task ProposeConfigurationAsync(IReadOnlyDictionary<string, object> values, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks for the right to act on a shared target (for example, to restart a shared dependency), so that one replica acts
    /// rather than all. The same node asking again renews its lease.
    /// </summary>
    /// <param name="target">The shared target.</param>
    /// <param name="component">The local component that asks.</param>
    /// <param name="action">What it wants to do.</param>
    /// <param name="duration">How long the lease lasts; <see cref="CoordinationOptions.DefaultLeaseDuration"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (an action already sent may still be applied).</param>
    /// <returns>The lease, granted or not (when not, it names the holder).</returns>
    Task<HealingLease> RequestHealingAsync(string target, string component, string action, TimeSpan? duration = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets whether this node has applied the command with <paramref name="commandId"/> (one of the last 4,096 applied).
    /// <see langword="false"/> means not applied here yet: it may still be, until a retry of it is answered.
    /// </summary>
    /// <param name="commandId">The id from <see cref="ClusterOutcomeUnknownException.CommandId"/>.</param>
    /// <returns>Whether it was applied here.</returns>
    bool WasApplied(Guid commandId);

    /// <summary>
    /// Sends again a command whose outcome was unknown (<see cref="ClusterOutcomeUnknownException"/>), under the same id:
    /// the cluster applies it at most once, so once this returns it was applied exactly once. Commands are kept for a retry
    /// for 10 minutes (the last 1,024). For a lease, ask again with <see cref="RequestHealingAsync"/> instead: the same
    /// node asking again gets its own lease.
    /// </summary>
    /// <param name="commandId">The id from <see cref="ClusterOutcomeUnknownException.CommandId"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (an action already sent may still be applied).</param>
    /// <returns>A task that completes when the command is applied.</returns>
    /// <exception cref="ArgumentException">No command with that id is kept for a retry on this node.</exception>
    /// <exception cref="ClusterOutcomeUnknownException">The outcome is still unknown: the retry was not answered either, or did not reach the log while the first attempt may still be applied.</exception>
    Task RetryAsync(Guid commandId, CancellationToken cancellationToken = default);
}
