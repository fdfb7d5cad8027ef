namespace SelfHealing.Coordination;

/// <summary>
/// A cluster-wide action was refused before it reached the log: this node sees no leader (it is on the minority side of
/// a partition, or an election is under way), the leader could not be reached, or the node that received it was no
/// longer the leader. The action was certainly not applied, and never will be; local breakers and local recovery keep
/// working. When the action may have reached the log, <see cref="ClusterOutcomeUnknownException"/> is thrown instead.
/// </summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Initializes a new instance with no message.</summary>
    public ClusterUnavailableException()
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">Why the action was refused.</param>
    public ClusterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">Why the action was refused.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ClusterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
