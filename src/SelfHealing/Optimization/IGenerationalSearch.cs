namespace SelfHealing.Optimization;

/// <summary>
/// A search the online optimizer drives a generation at a time: it proposes candidates and evaluates each through the
/// fitness it was given (the online optimizer's live window), then ranks them.
/// </summary>
internal interface IGenerationalSearch
{
    /// <summary>Gets how many generations have been run (0 after the first).</summary>
    int Generation { get; }

    /// <summary>Gets the candidates as measured now, best first: the first is what is promoted.</summary>
    IReadOnlyList<Chromosome> Population { get; }

    /// <summary>
    /// Gets the last measured fitness of the configuration in force between candidates (what a candidate is compared
    /// with for regret and for cutting it short), NaN when none was measured yet.
    /// </summary>
    double RunningFitness { get; }

    /// <summary>Tells whether another generation should run.</summary>
    bool ShouldEvolve();

    /// <summary>Runs one generation.</summary>
    Task<Chromosome> EvolveAsync(CancellationToken cancellationToken);
}
