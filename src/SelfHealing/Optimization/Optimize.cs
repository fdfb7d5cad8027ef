namespace SelfHealing.Optimization;

/// <summary>
/// One entry point for both engines: searches the genes for the highest fitness within an evaluation budget, with the
/// engine the genes call for (<see cref="OptimizerEngine.Auto"/>) or the one named, each with its default options.
/// </summary>
public static class Optimize
{
    /// <summary>Runs the search.</summary>
    /// <param name="genes">The genes, in chromosome order; names must be unique.</param>
    /// <param name="fitness">Evaluates a chromosome; higher is better.</param>
    /// <param name="maxEvaluations">The evaluation budget (1 to 100,000,000).</param>
    /// <param name="engine">
    /// The engine; <see cref="OptimizerEngine.Auto"/> takes CMA-ES when the genes are numbers (real or whole) and at most
    /// one is a boolean or categorical choice, the genetic optimizer otherwise.
    /// </param>
    /// <param name="seed">The seed of the random source; a run with the same seed and a deterministic fitness repeats exactly.</param>
    /// <param name="cancellationToken">Stops the run between generations.</param>
    /// <returns>The best found (for CMA-ES, the winner of its closing race, with its standard error), with the engine used.</returns>
    /// <exception cref="ArgumentException">No gene, two genes of one name, a budget out of range, or an engine that does not exist.</exception>
    public static async Task<OptimizationResult> RunAsync(
        IEnumerable<GeneDefinition> genes,
        Func<Chromosome, CancellationToken, ValueTask<double>> fitness,
        long maxEvaluations = 10_000,
        OptimizerEngine engine = OptimizerEngine.Auto,
        int? seed = null,
        CancellationToken cancellationToken = default)
    {
        GeneDefinition[] checkedGenes = GeneSet.Checked(genes, nameof(genes));
        var errors = new OptionErrors("");
        errors.Range(nameof(maxEvaluations), maxEvaluations, 1, 100_000_000);
        errors.Defined(nameof(engine), engine);
        errors.ThrowIfAny(nameof(maxEvaluations));
        OptimizerEngine used = engine == OptimizerEngine.Auto ? Engines.Choose(checkedGenes) : engine;
        if (used == OptimizerEngine.CmaEs)
        {
            var cma = new CmaEsOptimizer(checkedGenes, fitness, new CmaEsOptions { MaxEvaluations = maxEvaluations, Seed = seed });
            return await cma.RunAsync(cancellationToken).ConfigureAwait(false) with { Engine = used };
        }

        var options = new GeneticOptimizerOptions { Seed = seed };
        options.MaxGenerations = (int)Math.Clamp((maxEvaluations / options.PopulationSize) - 1, 1, 1_000_000); // the initial population is one
        var genetic = new GeneticOptimizer(checkedGenes, fitness, options);
        return await genetic.RunAsync(cancellationToken).ConfigureAwait(false) with { Engine = used };
    }
}
