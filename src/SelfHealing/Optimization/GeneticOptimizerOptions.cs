namespace SelfHealing.Optimization;

/// <summary>Options of a <see cref="GeneticOptimizer"/>.</summary>
public sealed class GeneticOptimizerOptions
{
    /// <summary>Gets or sets how many chromosomes each generation holds.</summary>
    /// <value>Default 20; allowed 4 to 100,000.</value>
    public int PopulationSize { get; set; } = 20;

    /// <summary>Gets or sets the probability that a gene of a child mutates (before adaptation).</summary>
    /// <value>Default 0.1; allowed 0 to 1.</value>
    public double MutationRate { get; set; } = 0.1;

    /// <summary>Gets or sets the probability that two parents are crossed (before adaptation); otherwise the children copy them.</summary>
    /// <value>Default 0.9; allowed 0 to 1.</value>
    public double CrossoverRate { get; set; } = 0.9;

    /// <summary>Gets or sets how many of the best chromosomes pass unchanged to the next generation.</summary>
    /// <value>Default 2; allowed 0 to <see cref="PopulationSize"/> - 1.</value>
    public int EliteCount { get; set; } = 2;

    /// <summary>
    /// Gets or sets whether rates follow the population's diversity: as it converges (diversity falls below where
    /// it started), the mutation rate rises up to three times its setting and the crossover rate falls to half.
    /// </summary>
    /// <value>
    /// Default <see langword="false"/>: raising the mutation rate as the population converges widens the steps just when
    /// small ones are needed (the sweep behind the defaults, docs/optimization.md, ranks it lower on every function).
    /// </value>
    public bool AdaptiveRates { get; set; }

    /// <summary>Gets or sets whether the elites are evaluated again each generation, their fitness averaged (for noisy fitness).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool ReevaluateElites { get; set; }

    /// <summary>Gets or sets the seed of the random source; a run with the same seed and a deterministic fitness repeats exactly.</summary>
    /// <value>Default <see langword="null"/>: a random seed.</value>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the generation at which <see cref="GeneticOptimizer.ShouldEvolve"/> stops.</summary>
    /// <value>Default 100; allowed 1 to 1,000,000.</value>
    public int MaxGenerations { get; set; } = 100;

    /// <summary>Gets or sets how many generations without a better best stop the run.</summary>
    /// <value>Default 25; allowed 1 to 1,000,000.</value>
    public int StagnationGenerations { get; set; } = 25;

    /// <summary>
    /// Gets or sets whether a run that stagnated (<see cref="StagnationGenerations"/> without a better best) starts again
    /// from a fresh random population, the best found so far kept, instead of stopping; the run then ends at
    /// <see cref="MaxGenerations"/> or <see cref="TargetFitness"/>.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool RestartOnStagnation { get; set; } = true;

    /// <summary>Gets or sets a fitness at which the run stops; none when <see langword="null"/>.</summary>
    public double? TargetFitness { get; set; }

    /// <summary>Gets or sets how many evaluations run at once.</summary>
    /// <value>Default the processor count; allowed 1 to 1,024.</value>
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets how parents are chosen.</summary>
    /// <value>Default <see cref="GeneticSelection.Tournament"/>.</value>
    public GeneticSelection Selection { get; set; } = GeneticSelection.Tournament;

    /// <summary>Gets or sets how many chromosomes enter each tournament (<see cref="GeneticSelection.Tournament"/>); more is greedier.</summary>
    /// <value>Default 3; allowed 1 to <see cref="PopulationSize"/>.</value>
    public int TournamentSize { get; set; } = 3;

    /// <summary>Gets or sets the selection pressure of <see cref="GeneticSelection.Rank"/>: the best's expected number of picks.</summary>
    /// <value>Default 1.5; allowed 1 (none) to 2.</value>
    public double RankPressure { get; set; } = 1.5;

    /// <summary>Gets or sets how parents are crossed.</summary>
    /// <value>Default <see cref="GeneticCrossover.SimulatedBinary"/>.</value>
    public GeneticCrossover Crossover { get; set; } = GeneticCrossover.SimulatedBinary;

    /// <summary>Gets or sets the distribution index of <see cref="GeneticCrossover.SimulatedBinary"/>: higher keeps children nearer their parents.</summary>
    /// <value>Default 15; allowed 0.1 to 1,000.</value>
    public double CrossoverEta { get; set; } = 15;

    /// <summary>Gets or sets how numeric genes move when they mutate.</summary>
    /// <value>Default <see cref="GeneticMutation.Polynomial"/>.</value>
    public GeneticMutation Mutation { get; set; } = GeneticMutation.Polynomial;

    /// <summary>Gets or sets the distribution index of <see cref="GeneticMutation.Polynomial"/>: higher makes smaller steps.</summary>
    /// <value>Default 20; allowed 0.1 to 1,000.</value>
    public double MutationEta { get; set; } = 20;

    /// <summary>Gets or sets the standard deviation of a <see cref="GeneticMutation.Gaussian"/> step, as a share of the gene's range.</summary>
    /// <value>Default 0.1; allowed 0.001 to 1.</value>
    public double MutationScale { get; set; } = 0.1;

    internal void ThrowIfInvalid()
    {
        var errors = new OptionErrors("");
        errors.Range(nameof(PopulationSize), PopulationSize, 4, 100_000);
        errors.Range(nameof(MutationRate), MutationRate, 0, 1);
        errors.Range(nameof(CrossoverRate), CrossoverRate, 0, 1);
        errors.Range(nameof(EliteCount), EliteCount, 0, Math.Max(0, PopulationSize - 1));
        errors.Range(nameof(MaxGenerations), MaxGenerations, 1, 1_000_000);
        errors.Range(nameof(StagnationGenerations), StagnationGenerations, 1, 1_000_000);
        errors.Range(nameof(MaxParallelism), MaxParallelism, 1, 1024);
        errors.Defined(nameof(Selection), Selection);
        errors.Range(nameof(TournamentSize), TournamentSize, 1, Math.Max(1, PopulationSize));
        errors.Range(nameof(RankPressure), RankPressure, 1, 2);
        errors.Defined(nameof(Crossover), Crossover);
        errors.Range(nameof(CrossoverEta), CrossoverEta, 0.1, 1000);
        errors.Defined(nameof(Mutation), Mutation);
        errors.Range(nameof(MutationEta), MutationEta, 0.1, 1000);
        errors.Range(nameof(MutationScale), MutationScale, 0.001, 1);
        errors.Finite(nameof(TargetFitness), TargetFitness);

        errors.ThrowIfAny("options");
    }

    internal GeneticOptimizerOptions Copy() => (GeneticOptimizerOptions)MemberwiseClone();
}
