namespace SelfHealing.Coordination.Replication;

/// <summary>
/// What applying one command did, handed to the coordinator for its events and local actions; or, with no command, that
/// a snapshot replaced the whole state (at start, or installed by the leader).
/// </summary>
/// <param name="Index">The log index (the snapshot's last applied index when restored).</param>
/// <param name="Command">The command; <see langword="null"/> when a snapshot was restored.</param>
/// <param name="Outcome">The result for the node that asked (a <see cref="LeaseDecision"/> for leases); may be null.</param>
/// <param name="CircuitChange">The circuit's new cluster-wide view when the command opened or closed it.</param>
internal sealed record AppliedCommand(long Index, ClusterCommand? Command, object? Outcome, ClusterCircuit? CircuitChange)
{
    /// <summary>Tells that a snapshot up to <paramref name="index"/> replaced the state.</summary>
    public static AppliedCommand Restored(long index) => new(index, null, null, null);

    /// <summary>Gets whether the command had been applied before (sent again after an unknown outcome): nothing changed.</summary>
    public bool Duplicate { get; init; }
}

/// <summary>The answer to a lease request.</summary>
/// <param name="Granted">Whether the asking node got it.</param>
/// <param name="Lease">The lease: the asking node's when granted, otherwise the holder's.</param>
internal sealed record LeaseDecision(bool Granted, ClusterLease Lease);
