namespace SelfHealing.Recovery;

/// <summary>One attempt of a strategy during an incident.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Attempt">Which attempt of that strategy (1 for the first).</param>
/// <param name="Succeeded">Whether verification saw the component recovered.</param>
/// <param name="Duration">From the action's start to the verification's verdict.</param>
/// <param name="RolledBack">Whether the component's checkpoint was restored because it ended worse than before.</param>
public sealed record RecoveryAttempt(RecoveryStrategy Strategy, int Attempt, bool Succeeded, TimeSpan Duration, bool RolledBack = false)
{
    /// <summary>
    /// Gets who acted on a shared target instead of this replica (the lease holder), or why nobody did; <see langword="null"/>
    /// when this replica acted. Such attempts only waited for the result and are not counted in the strategy statistics.
    /// </summary>
    public string? LeftTo { get; init; }
}
