using SelfHealing.Recovery;

namespace SelfHealing.Coordination;

/// <summary>
/// The recovery manager's leases on shared targets, taken from the cluster (<see cref="IClusterCoordinator.RequestHealingAsync"/>):
/// a component marked <c>SharedAs(target)</c> is acted on by the one replica that holds the lease; the others wait for
/// its result, and a replica without a majority does not act on it at all. A granted lease is renewed every third of its
/// length until the action and its verification end, so a slow recovery keeps it; if the holder dies, it lapses.
/// </summary>
internal sealed class ClusterRecoveryLeases(IClusterCoordinator coordinator, TimeSpan duration, TimeProvider time) : IRecoveryLeases
{
    public async ValueTask<RecoveryLease> AcquireAsync(string target, string component, RecoveryStrategy strategy, CancellationToken cancellationToken)
    {
        HealingLease lease;
        try
        {
            lease = await coordinator.RequestHealingAsync(target, component, strategy.ToString(), duration, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException ex)
        {
            return RecoveryLease.Unavailable(ex.Message);
        }

        if (!lease.Granted)
        {
            return RecoveryLease.HeldElsewhere(lease.Lease.Holder, lease.Lease.ExpiresAt);
        }

        var held = new CancellationTokenSource();
        Task renewing = RenewAsync(target, component, strategy, held.Token);
        return RecoveryLease.Granted(lease.Lease.Holder, lease.Lease.ExpiresAt, async (succeeded, detail, token) =>
        {
            await held.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            held.Dispose();
            try
            {
                await lease.CompleteAsync(succeeded, detail, token).ConfigureAwait(false);
            }
            catch (ClusterUnavailableException)
            {
                // The lease lapses at its expiry.
            }
        });
    }

    private async Task RenewAsync(string target, string component, RecoveryStrategy strategy, CancellationToken held)
    {
        while (!held.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(duration / 3, time, held).ConfigureAwait(false);
                await coordinator.RequestHealingAsync(target, component, strategy.ToString(), duration, held).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (held.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ClusterUnavailableException or InvalidOperationException)
            {
                // Tried again at the next third; the lease may lapse meanwhile.
            }
        }
    }
}
