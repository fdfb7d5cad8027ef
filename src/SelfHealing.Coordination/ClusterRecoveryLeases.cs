using SelfHealing.Recovery;

namespace SelfHealing.Coordination;

/// <summary>
/// Backs the recovery manager's <see cref="IRecoveryLeases"/> with the cluster's healing leases: a recovery of a shared
/// target asks for the lease, renews it each time a third of its remaining validity has passed while the action runs
/// (two thirds stay for the renewal to commit, and for retries when it cannot), and gives it back with the
/// outcome. The recovery learns the grant's fencing token and stops acting when the lease is lost: run out on this
/// node's clock (renewals could not reach a majority) or denied (it went to another node).
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
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterOutcomeUnknownException)
        {
            return RecoveryLease.Unavailable(ex.Message); // not known to hold it: do not act (a grant nobody knows of lapses)
        }

        if (!lease.Granted)
        {
            return RecoveryLease.HeldElsewhere(lease.Lease.Holder, lease.Lease.ExpiresAt);
        }

        var held = new CancellationTokenSource();
        Task renewing = RenewAsync(lease, held.Token);
        return RecoveryLease.Granted(
            lease.Lease.Holder,
            lease.Lease.ExpiresAt,
            async (succeeded, detail, token) =>
            {
                await held.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
                held.Dispose();
                try
                {
                    await lease.CompleteAsync(succeeded, detail, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ClusterUnavailableException or ClusterOutcomeUnknownException)
                {
                    // The lease lapses at its expiry.
                }
            },
            lease.FencingToken,
            lease.Lost);
    }

    private async Task RenewAsync(HealingLease lease, CancellationToken held)
    {
        while (!held.IsCancellationRequested && lease.IsValid)
        {
            try
            {
                await Task.Delay(lease.RemainingTime / 3, time, held).ConfigureAwait(false);
                if (!await lease.RenewAsync(held).ConfigureAwait(false))
                {
                    return; // denied: the lease is lost, and the recovery stops acting
                }
            }
            catch (OperationCanceledException) when (held.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever the cluster throws, the lease runs out on this node's clock; tried again at the next third.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
