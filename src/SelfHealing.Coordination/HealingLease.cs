using SelfHealing.Coordination.Replication;

namespace SelfHealing.Coordination;

/// <summary>
/// The answer to <see cref="IClusterCoordinator.RequestHealingAsync"/>. When <see cref="Granted"/>, this node alone may act
/// on the target while <see cref="IsValid"/>: the lease is judged on this node's own monotonic clock, from the moment the
/// request was sent, less a safety margin, never on another node's wall clock; <see cref="Lost"/> is cancelled when it
/// runs out, when a renewal is denied, or when it is given back. Pass <see cref="FencingToken"/> to the shared target so
/// it can refuse a holder whose lease went to another. Report the outcome with <see cref="CompleteAsync"/>, which gives
/// the lease back. Disposing a granted lease that was not completed gives it back without an outcome. A lease whose
/// holder dies simply lapses.
/// </summary>
public sealed class HealingLease : IAsyncDisposable
{
    private readonly Func<TimeSpan, CancellationToken, Task<LeaseDecision>>? _renew;
    private readonly Func<ClusterLease, bool?, string?, CancellationToken, Task>? _release;
    private readonly TimeProvider _time;
    private readonly TimeSpan _held;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _lost = new();
    private readonly ITimer? _expiry;
    private ClusterLease _lease;
    private long _validUntil;
    private int _finished;

    internal HealingLease(
        bool granted,
        ClusterLease lease,
        long sentAt,
        TimeSpan duration,
        TimeSpan margin,
        TimeProvider time,
        Func<TimeSpan, CancellationToken, Task<LeaseDecision>>? renew,
        Func<ClusterLease, bool?, string?, CancellationToken, Task>? release)
    {
        Granted = granted;
        _lease = lease;
        _time = time;
        _duration = duration;
        _held = duration - (margin < duration / 4 ? margin : duration / 4);
        _renew = renew;
        _release = release;
        if (!granted)
        {
            _lost.Cancel();
            return;
        }

        _validUntil = sentAt + TicksOf(_held);
        _expiry = time.CreateTimer(static state => ((HealingLease)state!).Lose(), this, Until(_validUntil), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets whether this node got the lease.</summary>
    public bool Granted { get; }

    /// <summary>Gets the lease: this node's when <see cref="Granted"/> (as last renewed), otherwise the current holder's.</summary>
    public ClusterLease Lease => Volatile.Read(ref _lease);

    /// <summary>Gets the grant's fencing token (<see cref="ClusterLease.FencingToken"/>): the same for every renewal, larger for any later grant.</summary>
    public long FencingToken => Lease.FencingToken;

    /// <summary>Gets whether this node may still act: granted, not lost, and within its time on this node's clock.</summary>
    public bool IsValid => Granted && !_lost.IsCancellationRequested && _time.GetTimestamp() < Volatile.Read(ref _validUntil);

    /// <summary>Gets how long this node may still act on its own clock; zero once the lease is not valid.</summary>
    public TimeSpan RemainingTime => IsValid ? Until(Volatile.Read(ref _validUntil)) : TimeSpan.Zero;

    /// <summary>Gets a token cancelled when the lease is lost: run out on this node's clock, renewal denied, or given back.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>
    /// Renews the lease for another lease length, counted on this node's clock from now. A renewal the cluster denies
    /// (the lease lapsed and went to another node, or to a new grant) loses the lease; one that cannot reach a majority
    /// throws, and the lease runs out on its own.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether the lease is still held.</returns>
    /// <exception cref="InvalidOperationException">The lease was not granted, or was already given back.</exception>
    /// <exception cref="ClusterUnavailableException">No majority could be reached.</exception>
    /// <exception cref="ClusterOutcomeUnknownException">The renewal got no answer; the lease runs out on this node's clock unless a later renewal is answered.</exception>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotHeld();
        long sentAt = _time.GetTimestamp();
        LeaseDecision decision = await _renew!(_duration, cancellationToken).ConfigureAwait(false);
        if (!decision.Granted || decision.Lease.LeaseId != Lease.LeaseId || !IsValid)
        {
            Lose();
            return false;
        }

        Volatile.Write(ref _lease, decision.Lease);
        long until = sentAt + TicksOf(_held);
        Volatile.Write(ref _validUntil, until);
        _expiry!.Change(Until(until), Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>Gives the lease back and records the outcome of the action on every node (<see cref="HealingExecuted"/>).</summary>
    /// <param name="succeeded">Whether the action worked.</param>
    /// <param name="detail">What happened, in words.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the release is committed.</returns>
    /// <exception cref="InvalidOperationException">The lease was not granted, or was already given back.</exception>
    /// <exception cref="ClusterUnavailableException">No majority could be reached; the lease will lapse at its expiry.</exception>
    /// <exception cref="ClusterOutcomeUnknownException">The release got no answer; the lease lapses at its expiry if it was not applied.</exception>
    public Task CompleteAsync(bool succeeded, string? detail = null, CancellationToken cancellationToken = default)
    {
        ThrowIfNotHeld();
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            throw new InvalidOperationException($"The lease on '{Lease.Target}' was already given back.");
        }

        Lose();
        return _release!(Lease, succeeded, detail, cancellationToken);
    }

    /// <summary>Gives a granted lease back without an outcome, unless it was completed; never throws for an unreachable cluster.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!Granted || Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        Lose();
        try
        {
            await _release!(Lease, null, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterOutcomeUnknownException or InvalidOperationException)
        {
            // Unreachable, unanswered, or the node already stopped: the lease lapses at its expiry.
        }
    }

    private void ThrowIfNotHeld()
    {
        if (!Granted)
        {
            throw new InvalidOperationException($"The lease on '{Lease.Target}' was not granted to this node; '{Lease.Holder}' holds it.");
        }

        if (Volatile.Read(ref _finished) != 0)
        {
            throw new InvalidOperationException($"The lease on '{Lease.Target}' was already given back.");
        }
    }

    private void Lose()
    {
        _expiry?.Dispose();
        try
        {
            _lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private long TicksOf(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Until(long timestamp)
    {
        long now = _time.GetTimestamp();
        return timestamp <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, timestamp);
    }
}
