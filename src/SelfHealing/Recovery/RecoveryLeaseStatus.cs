namespace SelfHealing.Recovery;

/// <summary>The answer to a request for a <see cref="RecoveryLease"/>.</summary>
public enum RecoveryLeaseStatus
{
    /// <summary>This replica may act.</summary>
    Granted = 0,

    /// <summary>Another replica holds the lease and acts; this one waits for the result.</summary>
    HeldElsewhere = 1,

    /// <summary>Nobody could be asked (for example, the minority side of a partition); this replica does not act on the shared target.</summary>
    Unavailable = 2,
}
