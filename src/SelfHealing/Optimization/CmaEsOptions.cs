namespace SelfHealing.Optimization;

/// <summary>Options of a <see cref="CmaEsOptimizer"/>. The defaults follow the published CMA-ES defaults; none needs tuning per problem.</summary>
public sealed class CmaEsOptions
{
    /// <summary>Gets or sets how many evaluations the run may use, restarts included.</summary>
    /// <value>Default 10,000; allowed 1 to 100,000,000.</value>
    public long MaxEvaluations { get; set; } = 10_000;

    /// <summary>Gets or sets the first step size, as a share of each gene's range.</summary>
    /// <value>Default 0.3; allowed 0.0001 to 1.</value>
    public double InitialStepSize { get; set; } = 0.3;

    /// <summary>Gets or sets the number of candidates per generation of the first run; 0 picks 4 + 3 ln(genes).</summary>
    /// <value>Default 0; allowed 0 or 2 to 100,000.</value>
    public int PopulationSize { get; set; }

    /// <summary>
    /// Gets or sets how many times the search starts again, from a new random point with twice the population, when it
    /// has converged or stalled before the budget is spent (IPOP restarts); 0 for none.
    /// </summary>
    /// <value>Default 9; allowed 0 to 30.</value>
    public int MaxRestarts { get; set; } = 9;

    /// <summary>
    /// Gets or sets how many of the best candidates (and the search's final mean) race at the end: each is measured again,
    /// round after round, and those clearly worse (two standard errors apart) drop out, so what is returned is the best
    /// by a fresh estimate, not the highest single measurement (which noise inflates); 0 turns racing off.
    /// </summary>
    /// <value>Default 5; allowed 0 to 100.</value>
    public int RaceCandidates { get; set; } = 5;

    /// <summary>Gets or sets the share of <see cref="MaxEvaluations"/> kept for the race.</summary>
    /// <value>Default 0.05; allowed 0 to 0.5.</value>
    public double RaceBudget { get; set; } = 0.05;

    /// <summary>Gets or sets a fitness at which the run stops; none when <see langword="null"/>.</summary>
    public double? TargetFitness { get; set; }

    /// <summary>Gets or sets the seed of the random source; a run with the same seed and a deterministic fitness repeats exactly.</summary>
    /// <value>Default <see langword="null"/>: a random seed.</value>
    public int? Seed { get; set; }

    /// <summary>Gets or sets how many evaluations run at once.</summary>
    /// <value>Default 1; allowed 1 to 1,024. Results are taken in candidate order, so the run is the same at any setting.</value>
    public int MaxParallelism { get; set; } = 1;

    internal void ThrowIfInvalid()
    {
        var errors = new OptionErrors("");
        errors.Range(nameof(MaxEvaluations), MaxEvaluations, 1, 100_000_000);
        errors.Range(nameof(InitialStepSize), InitialStepSize, 0.0001, 1);
        if (PopulationSize is not 0 and (< 2 or > 100_000))
        {
            errors.Add(nameof(PopulationSize), PopulationSize, "0 (automatic) or 2 to 100,000");
        }

        errors.Range(nameof(MaxRestarts), MaxRestarts, 0, 30);
        errors.Range(nameof(RaceCandidates), RaceCandidates, 0, 100);
        errors.Range(nameof(RaceBudget), RaceBudget, 0, 0.5);
        errors.Range(nameof(MaxParallelism), MaxParallelism, 1, 1024);
        errors.Finite(nameof(TargetFitness), TargetFitness);

        errors.ThrowIfAny("options");
    }

    internal CmaEsOptions Copy() => (CmaEsOptions)MemberwiseClone();
}
