namespace SelfHealing.Configuration;

/// <summary>Where a configuration version came from.</summary>
public enum ConfigSource
{
    /// <summary>The defaults, or the version restored from the store at start.</summary>
    Static,

    /// <summary>A change made by code or an operator.</summary>
    Manual,

    /// <summary>A candidate or winner of the optimizer.</summary>
    Optimizer,

    /// <summary>A return to an earlier version (by hand, or by a guarded apply that saw a regression).</summary>
    Rollback,

    /// <summary>A change made by the recovery manager.</summary>
    Recovery,

    /// <summary>A change replicated from the cluster (SelfHealing.Coordination), applied on every node.</summary>
    Cluster,
}
