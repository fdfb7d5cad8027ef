namespace SelfHealing.Recovery;

/// <summary>
/// Lets one replica at a time act on a shared target (a database several replicas depend on), so it is restarted
/// once, not once per replica. SelfHealing.Coordination implements it on the cluster's healing leases; without it
/// every replica acts on its own.
/// </summary>
public interface IRecoveryLeases
{
    /// <summary>Asks for the right to act on <paramref name="target"/>.</summary>
    /// <param name="target">The shared target (<see cref="HealableComponentBuilder.SharedAs"/>).</param>
    /// <param name="component">The local component whose recovery asks.</param>
    /// <param name="strategy">The action it would take.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>The lease: granted, held by another replica, or unavailable (no majority).</returns>
    ValueTask<RecoveryLease> AcquireAsync(string target, string component, RecoveryStrategy strategy, CancellationToken cancellationToken);
}
