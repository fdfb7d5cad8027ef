namespace SelfHealing.Recovery;

/// <summary>The right (or not) to act on a shared target, from <see cref="IRecoveryLeases"/>.</summary>
public sealed class RecoveryLease
{
    private readonly Func<bool, string?, CancellationToken, ValueTask>? _complete;

    private RecoveryLease(
        RecoveryLeaseStatus status,
        string? holder,
        DateTimeOffset? expiresAt,
        string? reason,
        Func<bool, string?, CancellationToken, ValueTask>? complete,
        long? fencingToken = null,
        CancellationToken lost = default)
    {
        Status = status;
        Holder = holder;
        ExpiresAt = expiresAt;
        Reason = reason;
        _complete = complete;
        FencingToken = fencingToken;
        Lost = lost;
    }

    /// <summary>Gets the answer.</summary>
    public RecoveryLeaseStatus Status { get; }

    /// <summary>Gets the replica that holds the lease, when known.</summary>
    public string? Holder { get; }

    /// <summary>Gets when the lease lapses, when known.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Gets why it is unavailable.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Gets the grant's fencing token, when the lease provider has one: the same across renewals, larger for every
    /// later grant on the target. The recovery manager hands it to the action (<see cref="RecoveryContext.FencingToken"/>).
    /// </summary>
    public long? FencingToken { get; }

    /// <summary>Gets a token cancelled when this replica loses the lease (it ran out on its clock, or a renewal was denied).</summary>
    public CancellationToken Lost { get; }

    /// <summary>Gets whether this replica holds the lease now: granted and not lost.</summary>
    public bool IsValid => Status == RecoveryLeaseStatus.Granted && !Lost.IsCancellationRequested;

    /// <summary>A lease this replica holds; <paramref name="complete"/> gives it back with the outcome.</summary>
    /// <param name="holder">This replica.</param>
    /// <param name="expiresAt">When it lapses.</param>
    /// <param name="complete">Gives the lease back: whether the action worked, and what happened.</param>
    /// <param name="fencingToken">The grant's fencing token, if the provider has one.</param>
    /// <param name="lost">Cancelled when this replica loses the lease; the recovery stops acting then.</param>
    /// <returns>The lease.</returns>
    public static RecoveryLease Granted(
        string holder,
        DateTimeOffset expiresAt,
        Func<bool, string?, CancellationToken, ValueTask> complete,
        long? fencingToken = null,
        CancellationToken lost = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentNullException.ThrowIfNull(complete);
        return new(RecoveryLeaseStatus.Granted, holder, expiresAt, null, complete, fencingToken, lost);
    }

    /// <summary>A lease another replica holds.</summary>
    /// <param name="holder">That replica.</param>
    /// <param name="expiresAt">When its lease lapses.</param>
    /// <returns>The answer.</returns>
    public static RecoveryLease HeldElsewhere(string holder, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        return new(RecoveryLeaseStatus.HeldElsewhere, holder, expiresAt, null, null);
    }

    /// <summary>No lease could be had.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The answer.</returns>
    public static RecoveryLease Unavailable(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(RecoveryLeaseStatus.Unavailable, null, null, reason, null);
    }

    /// <summary>Gives a granted lease back with the outcome of the action; does nothing for the other answers.</summary>
    /// <param name="succeeded">Whether the action worked.</param>
    /// <param name="detail">What happened.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the lease is given back.</returns>
    public ValueTask CompleteAsync(bool succeeded, string? detail, CancellationToken cancellationToken) =>
        _complete?.Invoke(succeeded, detail, cancellationToken) ?? ValueTask.CompletedTask;
}
