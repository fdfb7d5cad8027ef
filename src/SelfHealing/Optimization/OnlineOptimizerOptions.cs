namespace SelfHealing.Optimization;

/// <summary>Options of the <see cref="OnlineOptimizer"/>.</summary>
public sealed class OnlineOptimizerOptions
{
    /// <summary>
    /// Gets or sets how long each candidate runs before its fitness is read. Make it span many of the collector's
    /// buckets and quantile steps: aggregates cover whole buckets, quantiles whole steps.
    /// </summary>
    /// <value>Default 1 minute; allowed 100 milliseconds to 1 day.</value>
    public TimeSpan EvaluationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the genetic algorithm's settings (candidates are always evaluated one at a time).</summary>
    /// <value>Default: population 10, two elites evaluated again each generation (live fitness is noisy and the workload drifts).</value>
    public GeneticOptimizerOptions Genetic { get; set; } = new()
    {
        PopulationSize = 10,
        EliteCount = 2,
        ReevaluateElites = true,
        MaxGenerations = 1_000_000,
        StagnationGenerations = 1_000_000,
    };

    /// <summary>Gets or sets the fitness given to a candidate that was rolled back or could not be applied.</summary>
    /// <value>Default -1,000,000.</value>
    public double RejectedFitness { get; set; } = -1_000_000;

    /// <summary>Gets the components whose regression rolls a candidate back (every component the monitor knows when empty).</summary>
    public ISet<string> GuardedComponents { get; } = new HashSet<string>(StringComparer.Ordinal);
}
