using SelfHealing.Recovery;

namespace SelfHealing.Coordination;

/// <summary>
/// The recovery manager's leases on shared targets, taken from the cluster (<see cref="IClusterCoordinator.RequestHealingAsync"/>):
/// a component marked <c>SharedAs(target)</c> is acted on by the one replica that holds the lease; the others wait for
/// its result, and a replica without a majority does not act on it at all.
/// </summary>
internal sealed class ClusterRecoveryLeases(IClusterCoordinator coordinator) : IRecoveryLeases
{
    public async ValueTask<RecoveryLease> AcquireAsync(string target, string component, RecoveryStrategy strategy, CancellationToken cancellationToken)
    {
        HealingLease lease;
        try
        {
            lease = await coordinator.RequestHealingAsync(target, component, strategy.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException ex)
        {
            return RecoveryLease.Unavailable(ex.Message);
        }

        return lease.Granted
            ? RecoveryLease.Granted(lease.Lease.Holder, lease.Lease.ExpiresAt, async (succeeded, detail, token) =>
            {
                try
                {
                    await lease.CompleteAsync(succeeded, detail, token).ConfigureAwait(false);
                }
                catch (ClusterUnavailableException)
                {
                    // The lease lapses at its expiry.
                }
            })
            : RecoveryLease.HeldElsewhere(lease.Lease.Holder, lease.Lease.ExpiresAt);
    }
}
