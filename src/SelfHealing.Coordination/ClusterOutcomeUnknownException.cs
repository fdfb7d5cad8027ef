namespace SelfHealing.Coordination;

/// <summary>
/// A cluster-wide action was sent to the leader but no answer came back in time (the leader lost its majority or its
/// connection after appending it, or the commit took longer than <see cref="CoordinationOptions.CommandTimeout"/>): it
/// may be applied later, or never. Unlike <see cref="ClusterUnavailableException"/>, this does not say nothing changed.
/// <see cref="IClusterCoordinator.WasApplied"/> tells once this node has applied it; <see cref="IClusterCoordinator.RetryAsync"/>
/// sends the same command again, and the cluster applies it at most once.
/// </summary>
public sealed class ClusterOutcomeUnknownException : Exception
{
    /// <summary>Initializes a new instance with no message.</summary>
    public ClusterOutcomeUnknownException()
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was sent and why its outcome is unknown.</param>
    public ClusterOutcomeUnknownException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was sent and why its outcome is unknown.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ClusterOutcomeUnknownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was sent and why its outcome is unknown.</param>
    /// <param name="commandId">The command's id.</param>
    /// <param name="innerException">The failure behind it, when there is one.</param>
    public ClusterOutcomeUnknownException(string message, Guid commandId, Exception? innerException)
        : base(message, innerException)
    {
        CommandId = commandId;
    }

    /// <summary>Gets the id of the command whose outcome is unknown: pass it to <see cref="IClusterCoordinator.WasApplied"/> or <see cref="IClusterCoordinator.RetryAsync"/>.</summary>
    public Guid CommandId { get; }
}
