namespace SelfHealing.Coordination;

/// <summary>
/// The answer to <see cref="IClusterCoordinator.RequestHealingAsync"/>. When <see cref="Granted"/>, this node alone may act
/// on the target until <see cref="ClusterLease.ExpiresAt"/>; report the outcome with <see cref="CompleteAsync"/>, which gives
/// the lease back. Disposing a granted lease that was not completed gives it back without an outcome. A lease whose
/// holder dies simply lapses.
/// </summary>
public sealed class HealingLease : IAsyncDisposable
{
    private readonly ClusterCoordinator _coordinator;
    private int _finished;

    internal HealingLease(ClusterCoordinator coordinator, bool granted, ClusterLease lease)
    {
        _coordinator = coordinator;
        Granted = granted;
        Lease = lease;
    }

    /// <summary>Gets whether this node got the lease.</summary>
    public bool Granted { get; }

    /// <summary>Gets the lease: this node's when <see cref="Granted"/>, otherwise the current holder's.</summary>
    public ClusterLease Lease { get; }

    /// <summary>Gives the lease back and records the outcome of the action on every node (<see cref="HealingExecuted"/>).</summary>
    /// <param name="succeeded">Whether the action worked.</param>
    /// <param name="detail">What happened, in words.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the release is committed.</returns>
    /// <exception cref="InvalidOperationException">The lease was not granted, or was already given back.</exception>
    /// <exception cref="ClusterUnavailableException">No majority could be reached; the lease will lapse at its expiry.</exception>
    public Task CompleteAsync(bool succeeded, string? detail = null, CancellationToken cancellationToken = default)
    {
        if (!Granted)
        {
            throw new InvalidOperationException($"The lease on '{Lease.Target}' was not granted to this node; '{Lease.Holder}' holds it.");
        }

        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            throw new InvalidOperationException($"The lease on '{Lease.Target}' was already given back.");
        }

        return _coordinator.ReleaseAsync(Lease, succeeded, detail, cancellationToken);
    }

    /// <summary>Gives a granted lease back without an outcome, unless it was completed; never throws for an unreachable cluster.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!Granted || Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        try
        {
            await _coordinator.ReleaseAsync(Lease, null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException)
        {
            // The lease lapses at its expiry.
        }
    }
}
