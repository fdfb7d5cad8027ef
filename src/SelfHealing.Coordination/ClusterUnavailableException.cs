namespace SelfHealing.Coordination;

/// <summary>
/// A cluster-wide action was refused because this node cannot reach a majority: it is on the minority side of a
/// partition, or an election is under way, or the cluster did not commit the action in time. Nothing was changed
/// cluster-wide; local breakers and local recovery keep working.
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
