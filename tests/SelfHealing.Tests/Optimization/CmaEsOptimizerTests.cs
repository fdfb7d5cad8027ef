using SelfHealing.Optimization;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Optimization;

/// <summary>The CMA-ES engine on the standard functions (the negated function is maximized; 0 is the optimum), seeded.</summary>
public sealed class CmaEsOptimizerTests
{
    private static GeneDefinition[] Reals(int count, double min, double max) =>
        [.. Enumerable.Range(0, count).Select(i => GeneDefinition.Real($"x{i}", min, max))];

    [Theory]
    [InlineData("Sphere", 10, 10_000, 1e-8)]
    [InlineData("Rosenbrock", 10, 20_000, 1e-8)]
    [InlineData("Ackley", 10, 20_000, 1e-6)]
    public async Task It_reaches_the_optimum_of_unimodal_and_smooth_functions_within_the_budget(string name, int dimensions, int budget, double within)
    {
        (_, Func<IReadOnlyList<double>, double> f, double bound) = TestFunctions.All.Single(t => t.Name == name);
        var optimizer = new CmaEsOptimizer(Reals(dimensions, -bound, bound), c => f(c.Genes), new CmaEsOptions { Seed = 7, MaxEvaluations = budget });

        OptimizationResult result = await optimizer.RunAsync();

        (-result.Best.Fitness).Should().BeLessThan(within, $"{name} in {dimensions} dimensions within {budget} evaluations");
        result.Evaluations.Should().BeLessThanOrEqualTo(budget);
    }

    [Fact]
    public async Task With_restarts_it_solves_a_rotated_multimodal_function_the_coordinate_wise_operators_cannot()
    {
        Func<IReadOnlyList<double>, double> f = TestFunctions.Rotated(TestFunctions.Rastrigin, TestFunctions.Rotation(10, 3));
        var cma = new CmaEsOptimizer(Reals(10, -5.12, 5.12), c => f(c.Genes), new CmaEsOptions { Seed = 3, MaxEvaluations = 100_000 });
        var genetic = new GeneticOptimizer(Reals(10, -5.12, 5.12), c => f(c.Genes), new GeneticOptimizerOptions { Seed = 3, MaxGenerations = 2_000, StagnationGenerations = 2_000 });

        OptimizationResult ours = await cma.RunAsync();
        OptimizationResult theirs = await genetic.RunAsync();

        (-ours.Best.Fitness).Should().BeLessThan(7, "IPOP-CMA-ES reaches about 7 on rotated Rastrigin in 10 dimensions");
        cma.Restarts.Should().BeGreaterThan(0, "the first run converges to a local optimum and the search starts again, larger");
        (-ours.Best.Fitness).Should().BeLessThan(-theirs.Best.Fitness, "the GA's coordinate-wise operators lose on a rotated function");
    }

    [Fact]
    public async Task A_seeded_run_repeats_exactly_at_any_parallelism_and_stops_at_the_target()
    {
        GeneDefinition[] genes = Reals(5, -5.12, 5.12);
        OptimizationResult one = await new CmaEsOptimizer(genes, c => TestFunctions.Sphere(c.Genes), new CmaEsOptions { Seed = 11, MaxEvaluations = 2_000 }).RunAsync();
        OptimizationResult many = await new CmaEsOptimizer(genes, c => TestFunctions.Sphere(c.Genes), new CmaEsOptions { Seed = 11, MaxEvaluations = 2_000, MaxParallelism = 4 }).RunAsync();
        many.Best.Genes.Should().Equal(one.Best.Genes);
        many.BestByGeneration.Should().Equal(one.BestByGeneration);

        OptimizationResult target = await new CmaEsOptimizer(genes, c => TestFunctions.Sphere(c.Genes), new CmaEsOptions { Seed = 11, MaxEvaluations = 100_000, TargetFitness = -1e-3 }).RunAsync();
        target.Reason.Should().Be(TerminationReason.TargetFitness);
        target.Best.Fitness.Should().BeGreaterThanOrEqualTo(-1e-3);
        target.Evaluations.Should().BeLessThan(100_000);
    }

    [Fact]
    public async Task Whole_and_categorical_genes_are_evaluated_at_legal_values_and_bounds_hold()
    {
        GeneDefinition[] genes = [GeneDefinition.Whole("pool", 1, 64), GeneDefinition.Categorical("mode", ["fast", "safe", "batch"]), GeneDefinition.Real("ratio", 0, 1)];
        var seen = new List<IReadOnlyList<double>>();
        var optimizer = new CmaEsOptimizer(genes, c =>
        {
            lock (seen)
            {
                seen.Add(c.Genes);
            }

            return -Math.Abs(c.Genes[0] - 32) - Math.Abs(c.Genes[1] - 2) - Math.Abs(c.Genes[2] - 0.25);
        }, new CmaEsOptions { Seed = 5, MaxEvaluations = 3_000 });

        OptimizationResult result = await optimizer.RunAsync();

        seen.Should().OnlyContain(g => g[0] == Math.Round(g[0]) && g[0] >= 1 && g[0] <= 64 && (g[1] == 0 || g[1] == 1 || g[1] == 2) && g[2] >= 0 && g[2] <= 1);
        optimizer.Decode(result.Best).Should().Contain(new KeyValuePair<string, object>("pool", 32L)).And.Contain(new KeyValuePair<string, object>("mode", "batch"));
    }

    [Fact]
    public async Task Under_noise_the_returned_fitness_is_a_fresh_estimate_not_the_luckiest_measurement()
    {
        const double Sigma = 5;
        GeneDefinition[] genes = Reals(5, -5.12, 5.12);
        var noise = new Random(1);
        Func<Chromosome, double> noisy = c => TestFunctions.Sphere(c.Genes) + (Sigma * noise.Normal());

        OptimizationResult raced = await new CmaEsOptimizer(genes, noisy, new CmaEsOptions { Seed = 2, MaxEvaluations = 20_000 }).RunAsync();
        OptimizationResult single = await new CmaEsOptimizer(genes, noisy, new CmaEsOptions { Seed = 2, MaxEvaluations = 20_000, RaceCandidates = 0 }).RunAsync();

        raced.StandardError.Should().BePositive();
        Math.Abs(raced.Best.Fitness - TestFunctions.Sphere(raced.Best.Genes)).Should().BeLessThan(4 * raced.StandardError!.Value, "the race's estimate is unbiased");
        raced.Best.Evaluations.Should().BeGreaterThan(1);
        single.StandardError.Should().BeNull();
        (single.Best.Fitness - TestFunctions.Sphere(single.Best.Genes)).Should().BeGreaterThan(Sigma, "the highest of thousands of noisy measurements is inflated by more than one noise deviation");
    }

    [Fact]
    public async Task Under_noise_a_search_that_stops_progressing_starts_again_with_a_larger_population()
    {
        // Noise keeps the best of each generation moving, so only a test of progress (the medians of the last fifth of
        // the generations no better than of the first fifth) can tell that the search stalled; each restart doubles the
        // population, whose averaging takes the mean closer to the optimum than ten candidates can.
        const double Sigma = 5;
        GeneDefinition[] genes = Reals(5, -5.12, 5.12);
        var noise = new Random(3);
        var optimizer = new CmaEsOptimizer(genes, c => TestFunctions.Sphere(c.Genes) + (Sigma * noise.Normal()), new CmaEsOptions { Seed = 4, MaxEvaluations = 50_000 });
        OptimizationResult result = await optimizer.RunAsync();

        optimizer.Restarts.Should().BeGreaterThanOrEqualTo(2);
        (-TestFunctions.Sphere(result.Best.Genes)).Should().BeLessThan(0.2, "noise of 5 on a function whose median is about 44");
    }

    [Fact]
    public async Task Without_noise_the_race_confirms_the_best_at_once()
    {
        OptimizationResult result = await new CmaEsOptimizer(Reals(5, -5.12, 5.12), c => TestFunctions.Sphere(c.Genes), new CmaEsOptions { Seed = 4, MaxEvaluations = 5_000 }).RunAsync();

        result.StandardError.Should().Be(0);
        result.Best.Fitness.Should().Be(TestFunctions.Sphere(result.Best.Genes));
        result.Evaluations.Should().BeLessThan(5_000, "two rounds settle a race whose measurements never vary");
    }

    [Fact]
    public void Bad_settings_are_refused_naming_each()
    {
        Action bad = () => _ = new CmaEsOptimizer(Reals(2, 0, 1), _ => 0, new CmaEsOptions { MaxEvaluations = 0, InitialStepSize = 2, PopulationSize = 1, MaxRestarts = -1, MaxParallelism = 0 });
        bad.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("MaxEvaluations is 0").And.Contain("InitialStepSize is 2").And.Contain("PopulationSize is 1; allowed: 0 (automatic) or 2 to 100,000")
            .And.Contain("MaxRestarts is -1").And.Contain("MaxParallelism is 0");
        Action none = () => _ = new CmaEsOptimizer([], _ => 0);
        none.Should().Throw<ArgumentException>().WithMessage("The optimizer needs at least one gene.*");
    }
}
