namespace SelfHealing.Recovery;

/// <summary>How a strategy has fared against a failure type: what the manager learns from.</summary>
/// <param name="FailureType">The failure type.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Attempts">How many attempts were verified (either way).</param>
/// <param name="Successes">How many of them recovered the component.</param>
/// <param name="TotalDuration">Their summed duration.</param>
public sealed record StrategyStatistics(string FailureType, RecoveryStrategy Strategy, int Attempts, int Successes, TimeSpan TotalDuration)
{
    /// <summary>Gets the share of attempts that worked, smoothed towards one half while there are few: (successes + 1) / (attempts + 2).</summary>
    public double SuccessRate => (Successes + 1.0) / (Attempts + 2.0);

    /// <summary>Gets the mean duration of an attempt.</summary>
    public TimeSpan MeanDuration => Attempts == 0 ? TimeSpan.Zero : TotalDuration / Attempts;

    internal StrategyStatistics Add(bool succeeded, TimeSpan duration) =>
        this with { Attempts = Attempts + 1, Successes = Successes + (succeeded ? 1 : 0), TotalDuration = TotalDuration + duration };
}
