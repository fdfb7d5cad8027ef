namespace SelfHealing.Optimization;

/// <summary>How a <see cref="GeneticOptimizer"/> chooses parents.</summary>
public enum GeneticSelection
{
    /// <summary>The best of <see cref="GeneticOptimizerOptions.TournamentSize"/> chromosomes drawn at random.</summary>
    Tournament,

    /// <summary>In proportion to fitness (shifted so the worst has a small chance when fitness is negative).</summary>
    Roulette,

    /// <summary>Linear ranking with <see cref="GeneticOptimizerOptions.RankPressure"/>.</summary>
    Rank,
}

/// <summary>How a <see cref="GeneticOptimizer"/> crosses two parents.</summary>
public enum GeneticCrossover
{
    /// <summary>Simulated binary crossover with <see cref="GeneticOptimizerOptions.CrossoverEta"/> for real genes; the others uniform.</summary>
    SimulatedBinary,

    /// <summary>Each gene from either parent.</summary>
    Uniform,

    /// <summary>The genes before a random point from one parent, the rest from the other.</summary>
    OnePoint,
}

/// <summary>How a <see cref="GeneticOptimizer"/> moves numeric genes when they mutate (booleans flip, categorical genes draw another option).</summary>
public enum GeneticMutation
{
    /// <summary>Polynomial mutation with <see cref="GeneticOptimizerOptions.MutationEta"/>.</summary>
    Polynomial,

    /// <summary>A normal step of <see cref="GeneticOptimizerOptions.MutationScale"/> times the gene's range.</summary>
    Gaussian,

    /// <summary>
    /// A normal step as wide as the population's spread of the gene (its standard deviation), so steps narrow as the
    /// population converges and the search homes in at any precision.
    /// </summary>
    Spread,
}

/// <summary>Which search an optimizer runs.</summary>
public enum OptimizerEngine
{
    /// <summary>Chosen from the genes: CMA-ES for numbers, the genetic optimizer when choices (booleans, categories) dominate.</summary>
    Auto,

    /// <summary>The <see cref="GeneticOptimizer"/>: any mix of genes.</summary>
    Genetic,

    /// <summary>CMA-ES (<see cref="CmaEsOptimizer"/>): real genes, whole ones rounded, booleans and categories rounded to an option.</summary>
    CmaEs,
}

/// <summary>The operators the options name.</summary>
internal static class GeneticOperators
{
    public static ISelection Selection(GeneticOptimizerOptions options) => options.Selection switch
    {
        GeneticSelection.Roulette => new RouletteSelection(),
        GeneticSelection.Rank => new RankSelection(options.RankPressure),
        _ => new TournamentSelection(options.TournamentSize),
    };

    public static ICrossover Crossover(GeneticOptimizerOptions options) => options.Crossover switch
    {
        GeneticCrossover.Uniform => new UniformCrossover(),
        GeneticCrossover.OnePoint => new OnePointCrossover(),
        _ => new SimulatedBinaryCrossover(options.CrossoverEta),
    };

    public static IMutation Mutation(GeneticOptimizerOptions options) => options.Mutation switch
    {
        GeneticMutation.Gaussian => new GaussianMutation(options.MutationScale),
        GeneticMutation.Spread => new SpreadMutation(),
        _ => new PolynomialMutation(options.MutationEta),
    };
}
