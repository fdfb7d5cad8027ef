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

    /// <summary>Gets or sets which search proposes the candidates.</summary>
    /// <value>
    /// Default <see cref="OptimizerEngine.Auto"/>: CMA-ES when the genes are numbers (real or whole) and at most one is a
    /// boolean or categorical choice, the genetic optimizer otherwise.
    /// </value>
    public OptimizerEngine Engine { get; set; } = OptimizerEngine.Auto;

    /// <summary>
    /// Gets or sets how far from the configuration in force CMA-ES's first candidates go: the standard deviation of a
    /// step, as a share of each parameter's range (the trust region it starts with; it widens as steps succeed).
    /// </summary>
    /// <value>Default 0.2; allowed 0.001 to 1.</value>
    public double InitialStepSize { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets how narrow CMA-ES's steps may get, as a share of each parameter's range: live, the best
    /// configuration moves with the workload, so the search keeps exploring at least this far.
    /// </summary>
    /// <value>Default 0.05; allowed 0 to 1, at most <see cref="InitialStepSize"/>.</value>
    public double MinimumStepSize { get; set; } = 0.05;

    /// <summary>
    /// Gets or sets when a candidate is cut short: halfway through its window its fitness so far is measured, and when
    /// it is below the configuration in force (its last measurement) by more than this share of that measurement's
    /// size, the candidate is rolled back at once and scored with what was measured; 0 turns it off.
    /// </summary>
    /// <value>Default 0.25; allowed 0 to 100.</value>
    public double CutShortMargin { get; set; } = 0.25;

    /// <summary>
    /// Gets or sets the most regret tuning may cost: the regret is, summed over candidates, how much lower each one's
    /// measured fitness was than the configuration in force, times the share of a window it ran. Once it is spent the
    /// optimizer stops exploring and the configuration in force stays; unlimited when <see langword="null"/>.
    /// </summary>
    /// <value>Default <see langword="null"/>; allowed: a positive number.</value>
    public double? MaxRegret { get; set; }

    /// <summary>Gets or sets the fitness given to a candidate that was rolled back or could not be applied.</summary>
    /// <value>Default -1,000,000.</value>
    public double RejectedFitness { get; set; } = -1_000_000;

    /// <summary>Gets the components whose regression rolls a candidate back (every component the monitor knows when empty).</summary>
    public ISet<string> GuardedComponents { get; } = new HashSet<string>(StringComparer.Ordinal);

    internal void ThrowIfInvalid()
    {
        var errors = new OptionErrors("");
        errors.Range(nameof(EvaluationWindow), EvaluationWindow, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        errors.Defined(nameof(Engine), Engine);
        errors.Range(nameof(InitialStepSize), InitialStepSize, 0.001, 1);
        errors.Range(nameof(MinimumStepSize), MinimumStepSize, 0, Math.Min(1, InitialStepSize));
        errors.Range(nameof(CutShortMargin), CutShortMargin, 0, 100);
        if (MaxRegret is { } regret && !(regret > 0 && double.IsFinite(regret)))
        {
            errors.Add(nameof(MaxRegret), regret, "a positive number, or null for no limit");
        }

        errors.Finite(nameof(RejectedFitness), RejectedFitness);
        errors.ThrowIfAny("options");
    }
}
