namespace SelfHealing.Coordination;

/// <summary>A node's place in the cluster.</summary>
public enum ClusterRole
{
    /// <summary>The node is not running (before start, after stop).</summary>
    Stopped = 0,

    /// <summary>A voting member that follows the leader (or waits for an election).</summary>
    Follower = 1,

    /// <summary>The elected leader: it appends every cluster-wide command to the log.</summary>
    Leader = 2,

    /// <summary>A member that replicates the state but never leads.</summary>
    Observer = 3,
}
