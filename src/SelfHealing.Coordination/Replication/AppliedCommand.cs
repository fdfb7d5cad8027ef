namespace SelfHealing.Coordination.Replication;

/// <summary>What applying one command did, handed to the coordinator for its events and local actions.</summary>
/// <param name="Index">The log index.</param>
/// <param name="Command">The command.</param>
/// <param name="Outcome">The result for the node that asked (a <see cref="LeaseDecision"/> for leases); may be null.</param>
/// <param name="CircuitChange">The circuit's new cluster-wide view when the command opened or closed it.</param>
internal sealed record AppliedCommand(long Index, ClusterCommand Command, object? Outcome, ClusterCircuit? CircuitChange);

/// <summary>The answer to a lease request.</summary>
/// <param name="Granted">Whether the asking node got it.</param>
/// <param name="Lease">The lease: the asking node's when granted, otherwise the holder's.</param>
internal sealed record LeaseDecision(bool Granted, ClusterLease Lease);
