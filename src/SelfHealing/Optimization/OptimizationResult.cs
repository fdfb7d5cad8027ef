namespace SelfHealing.Optimization;

/// <summary>Why a run stopped.</summary>
public enum TerminationReason
{
    /// <summary>It reached <see cref="GeneticOptimizerOptions.MaxGenerations"/>.</summary>
    Generations,

    /// <summary>
    /// The best did not improve for <see cref="GeneticOptimizerOptions.StagnationGenerations"/>; for a
    /// <see cref="CmaEsOptimizer"/>, its last restart converged before the budget was spent.
    /// </summary>
    Stagnation,

    /// <summary>The best reached the target fitness of the options.</summary>
    TargetFitness,

    /// <summary>The evaluation budget (<see cref="CmaEsOptions.MaxEvaluations"/>) was spent.</summary>
    Evaluations,
}

/// <summary>How a run ended.</summary>
/// <param name="Best">The best chromosome found.</param>
/// <param name="Generations">How many generations were bred.</param>
/// <param name="Evaluations">How many fitness evaluations were made.</param>
/// <param name="Reason">Why it stopped.</param>
/// <param name="BestByGeneration">The best fitness after each generation (the first is the initial population's).</param>
public sealed record OptimizationResult(Chromosome Best, int Generations, long Evaluations, TerminationReason Reason, IReadOnlyList<double> BestByGeneration)
{
    /// <summary>
    /// Gets the standard error of <see cref="Best"/>'s fitness when it is a re-measured estimate (the mean of fresh
    /// evaluations after a race between the top candidates, so not inflated by having been selected as the highest);
    /// <see langword="null"/> when the fitness is the measurement it was selected by.
    /// </summary>
    public double? StandardError { get; init; }

    /// <summary>Gets the engine that ran (set by <see cref="Optimize.RunAsync"/>; <see cref="OptimizerEngine.Auto"/> when the engine was used directly).</summary>
    public OptimizerEngine Engine { get; init; }
}
