using SelfHealing.Optimization;
using Xunit.Abstractions;

namespace SelfHealing.Tests.Optimization;

public sealed class GeneticOptimizerTests(ITestOutputHelper output)
{
    private static GeneDefinition[] Reals(int count, double bound) => [.. Enumerable.Range(0, count).Select(i => GeneDefinition.Real($"x{i}", -bound, bound))];

    private static readonly GeneDefinition[] Mixed =
    [
        GeneDefinition.Boolean("Orders:UseCache"),
        GeneDefinition.Whole("Orders:PoolSize", 1, 64),
        GeneDefinition.Real("Orders:RetryRatio", 0, 1),
        GeneDefinition.Categorical("Orders:Mode", ["fast", "safe", "batch"]),
        GeneDefinition.Whole("Orders:Fixed", 7, 7),
    ];

    [Fact]
    public void A_fitness_is_the_mean_of_the_last_three_evaluations_so_a_changed_workload_shows_within_three()
    {
        var chromosome = new Chromosome([0.5]);
        foreach (double measured in new[] { 1.0, 1.0, 1.0, 1.0 })
        {
            chromosome.Record(measured);
        }

        chromosome.Fitness.Should().Be(1.0);
        chromosome.Record(0.1);
        chromosome.Fitness.Should().BeApproximately(0.7, 1e-12, "one of three measurements is new");
        chromosome.Record(0.1);
        chromosome.Copy().Fitness.Should().BeApproximately(0.4, 1e-12);
        chromosome.Record(0.1);
        chromosome.Fitness.Should().BeApproximately(0.1, 1e-12, "the measurements before the change are forgotten");
        chromosome.Evaluations.Should().Be(7);

        Chromosome copy = chromosome.Copy();
        copy.Record(0.4);
        copy.Fitness.Should().BeApproximately(0.2, 1e-12, "a copy keeps the window it was copied with");
    }

    [Fact]
    public void Every_operator_keeps_every_gene_in_its_domain()
    {
        var random = new Random(3);
        ICrossover[] crossovers = [new UniformCrossover(), new OnePointCrossover(), new SimulatedBinaryCrossover(2)];
        IMutation[] mutations = [new GaussianMutation(0.5), new PolynomialMutation(1)];
        for (int trial = 0; trial < 2000; trial++)
        {
            GeneDefinition[] genes = [.. Enumerable.Range(0, 6).Select(i => RandomGene(random, i))];
            double[] first = [.. genes.Select(g => g.Random(random))];
            double[] second = [.. genes.Select(g => g.Random(random))];
            var a = new double[genes.Length];
            var b = new double[genes.Length];
            crossovers[trial % crossovers.Length].Cross(genes, first, second, a, b, random);
            mutations[trial % mutations.Length].Mutate(genes, a, 1.0, random);
            foreach (double[] child in (double[][])[first, second, a, b])
            {
                for (int i = 0; i < genes.Length; i++)
                {
                    child[i].Should().Be(genes[i].Legal(child[i]), $"trial {trial}: {genes[i].Kind} gene {genes[i].Name} in [{genes[i].Minimum}, {genes[i].Maximum}]");
                }
            }
        }
    }

    private static GeneDefinition RandomGene(Random random, int i)
    {
        double low = Math.Round((random.NextDouble() * 200) - 100);
        double width = Math.Round(random.NextDouble() * 50);
        return (i % 4) switch
        {
            0 => GeneDefinition.Boolean($"g{i}"),
            1 => GeneDefinition.Whole($"g{i}", (long)low, (long)(low + width)),
            2 => GeneDefinition.Real($"g{i}", low, low + width + 0.5),
            _ => GeneDefinition.Categorical($"g{i}", [.. Enumerable.Range(0, 1 + random.Next(5)).Select(o => $"o{o}")]),
        };
    }

    [Fact]
    public async Task Elitism_never_loses_the_best_and_a_seeded_run_repeats_exactly()
    {
        async Task<(OptimizationResult Result, List<double> Leaders)> Run()
        {
            var optimizer = new GeneticOptimizer(Reals(10, 5.12), c => TestFunctions.Rastrigin(c.Genes), new GeneticOptimizerOptions { Seed = 42, PopulationSize = 50, EliteCount = 1, MaxGenerations = 60, StagnationGenerations = 1000 });
            var leaders = new List<double>();
            while (optimizer.ShouldEvolve())
            {
                await optimizer.EvolveAsync();
                leaders.Add(optimizer.Population[0].Fitness);
            }

            return (await optimizer.RunAsync(), leaders);
        }

        (OptimizationResult first, List<double> leaders) = await Run();
        leaders.Zip(leaders.Skip(1)).Should().OnlyContain(p => p.Second >= p.First, "the elite carries the best into each generation");
        first.BestByGeneration.Zip(first.BestByGeneration.Skip(1)).Should().OnlyContain(p => p.Second >= p.First);
        (OptimizationResult second, _) = await Run();
        second.Best.Genes.Should().Equal(first.Best.Genes);
        second.BestByGeneration.Should().Equal(first.BestByGeneration);
        first.Evaluations.Should().Be(50 + (60 * 49), "the initial population, then 49 children a generation (one elite); RunAsync adds nothing once a run is over");
    }

    [Fact]
    public async Task Runs_stop_at_the_target_at_stagnation_or_at_the_generation_limit()
    {
        var target = new GeneticOptimizer(Reals(2, 5.12), c => TestFunctions.Sphere(c.Genes), new GeneticOptimizerOptions { Seed = 1, TargetFitness = -0.01, MaxGenerations = 1000 });
        OptimizationResult reached = await target.RunAsync();
        (reached.Reason, reached.Best.Fitness >= -0.01).Should().Be((TerminationReason.TargetFitness, true));

        var flat = new GeneticOptimizer(Reals(2, 1), _ => 1.0, new GeneticOptimizerOptions { Seed = 1, StagnationGenerations = 5, RestartOnStagnation = false });
        (await flat.RunAsync()).Should().Match<OptimizationResult>(r => r.Reason == TerminationReason.Stagnation && r.Generations == 5);

        var limited = new GeneticOptimizer(Reals(2, 5.12), c => TestFunctions.Sphere(c.Genes), new GeneticOptimizerOptions { Seed = 1, MaxGenerations = 3 });
        (await limited.RunAsync()).Should().Match<OptimizationResult>(r => r.Reason == TerminationReason.Generations && r.Generations == 3);
    }

    [Fact]
    public async Task A_stagnated_run_starts_again_from_a_fresh_population_and_keeps_its_best()
    {
        // A flat fitness never improves: every 5 generations the population is drawn afresh, up to the generation limit.
        var flat = new GeneticOptimizer(Reals(2, 1), c => c.Genes[0] > 0.99 ? 2.0 : 1.0, new GeneticOptimizerOptions { Seed = 3, PopulationSize = 10, StagnationGenerations = 5, MaxGenerations = 40 });
        OptimizationResult result = await flat.RunAsync();
        (result.Reason, result.Generations).Should().Be((TerminationReason.Generations, 40), "stagnation restarts instead of stopping");
        flat.Restarts.Should().BeGreaterThanOrEqualTo(2);
        result.BestByGeneration.Zip(result.BestByGeneration.Skip(1)).Should().OnlyContain(p => p.Second >= p.First, "the best found is kept across restarts");
    }

    [Fact]
    public void Spread_mutation_steps_narrow_as_the_population_converges()
    {
        GeneDefinition[] genes = [GeneDefinition.Real("x", -10, 10)];
        var random = new Random(5);
        double MeanStep(double spread)
        {
            var mutation = new SpreadMutation();
            mutation.Prepare(genes, [new Chromosome([-spread]), new Chromosome([spread])]); // standard deviation = spread
            double total = 0;
            for (int i = 0; i < 2000; i++)
            {
                double[] value = [0];
                mutation.Mutate(genes, value, 1.0, random);
                total += Math.Abs(value[0]);
            }

            return total / 2000;
        }

        double wide = MeanStep(4);
        double narrow = MeanStep(0.001);
        (wide / narrow).Should().BeInRange(3000, 5000, "a step is a normal draw as wide as half the spread: 4,000 times narrower for a 4,000 times narrower population");
        narrow.Should().BeInRange(0.0003, 0.0005, "half the spread times the mean absolute normal draw, 0.8");
    }

    [Fact]
    public async Task Constraints_are_repaired_or_penalized()
    {
        // x0 + x1 <= 1, repaired by scaling down; x2 >= 0.5, penalized.
        var sumAtMostOne = new ChromosomeConstraint("sum", g => g[0] + g[1] <= 1 + 1e-12, values => { double s = values[0] + values[1]; values[0] /= s; values[1] /= s; });
        var halfOrMore = new ChromosomeConstraint("half", g => g[2] >= 0.5, penalty: 100);
        var optimizer = new GeneticOptimizer(
            [GeneDefinition.Real("x0", 0, 1), GeneDefinition.Real("x1", 0, 1), GeneDefinition.Real("x2", 0, 1)],
            (c, _) => ValueTask.FromResult(c.Genes[0] + c.Genes[1] - c.Genes[2]),
            new GeneticOptimizerOptions { Seed = 5, MaxGenerations = 40 },
            constraints: [sumAtMostOne, halfOrMore]);
        OptimizationResult result = await optimizer.RunAsync();
        optimizer.Population.Should().OnlyContain(c => c.Genes[0] + c.Genes[1] <= 1 + 1e-9, "every child was repaired");
        result.Best.Genes[2].Should().BeGreaterThanOrEqualTo(0.5, "breaking the penalized rule never pays");
        result.Best.Fitness.Should().BeApproximately(0.5, 0.05);
        Action none = () => _ = new ChromosomeConstraint("bare", _ => true);
        none.Should().Throw<ArgumentException>().WithMessage("The constraint bare has neither a repair nor a positive penalty*");
    }

    [Fact]
    public async Task Chromosomes_decode_to_configuration_values_and_rates_rise_as_diversity_falls()
    {
        var optimizer = new GeneticOptimizer(Mixed, c => -Math.Abs(c.Genes[1] - 32) + c.Genes[0], new GeneticOptimizerOptions { Seed = 9, MaxGenerations = 80, StagnationGenerations = 1000, AdaptiveRates = true });
        OptimizationResult result = await optimizer.RunAsync();
        IReadOnlyDictionary<string, object> values = optimizer.Decode(result.Best);
        (values["Orders:UseCache"], values["Orders:PoolSize"], values["Orders:Fixed"]).Should().Be((true, 32L, 7L));
        values["Orders:RetryRatio"].Should().BeOfType<double>();
        values["Orders:Mode"].Should().BeOneOf("fast", "safe", "batch");
        optimizer.CurrentMutationRate.Should().BeGreaterThan(0.1, "a converged population mutates more");
        optimizer.CurrentCrossoverRate.Should().BeLessThan(0.9);
    }

    [Fact]
    public async Task Elites_evaluated_again_average_their_noisy_fitness()
    {
        var noise = new Random(2);
        var optimizer = new GeneticOptimizer(Reals(3, 5.12), c => TestFunctions.Sphere(c.Genes) + (noise.NextDouble() - 0.5),
            new GeneticOptimizerOptions { Seed = 2, PopulationSize = 50, ReevaluateElites = true, EliteCount = 3, MaxGenerations = 20, StagnationGenerations = 1000, MaxParallelism = 1 });
        await optimizer.RunAsync();
        optimizer.Population.Max(c => c.Evaluations).Should().BeGreaterThanOrEqualTo(2, "a survivor is evaluated again each generation it survives, its fitness a running mean");
        optimizer.Evaluations.Should().Be(50 + (20 * 50), "each generation evaluates 47 children and the 3 elites again");
    }

    [Fact]
    public void A_chromosome_s_fitness_is_the_mean_of_its_last_three_evaluations()
    {
        var chromosome = new Chromosome([0.0]);
        foreach (double f in (double[])[3, 6, 9])
        {
            chromosome.Record(f);
        }

        chromosome.Fitness.Should().Be(6, "the first three are averaged");
        chromosome.Record(12);
        (chromosome.Fitness, chromosome.Evaluations).Should().Be((9.0, 4), "then the oldest is forgotten: (6 + 9 + 12) / 3");
    }

    [Fact]
    public async Task A_kept_population_is_continued_from()
    {
        var first = new GeneticOptimizer(Reals(3, 5.12), c => TestFunctions.Sphere(c.Genes), new GeneticOptimizerOptions { Seed = 4, MaxGenerations = 10 });
        await first.RunAsync();
        ChromosomeState[] kept = [.. first.Population.Select(ChromosomeState.Of)];

        var second = new GeneticOptimizer(Reals(3, 5.12), c => TestFunctions.Sphere(c.Genes), new GeneticOptimizerOptions { Seed = 4, MaxGenerations = 12 });
        second.Restore(kept, first.Generation, ChromosomeState.Of(first.Best!));
        (second.Generation, second.Best!.Fitness).Should().Be((10, first.Best!.Fitness));
        await second.RunAsync();
        (second.Generation, second.Best!.Fitness >= first.Best.Fitness).Should().Be((12, true), "the run goes on from where it was");

        Action wrong = () => second.Restore([new ChromosomeState([1.0], -1, 1)], 0);
        wrong.Should().Throw<ArgumentException>().WithMessage("A kept population needs chromosomes of 3 genes with finite fitness.*");
    }

    [Theory]
    [InlineData(GeneticSelection.Tournament, GeneticCrossover.SimulatedBinary, GeneticMutation.Polynomial)]
    [InlineData(GeneticSelection.Roulette, GeneticCrossover.Uniform, GeneticMutation.Gaussian)]
    [InlineData(GeneticSelection.Rank, GeneticCrossover.OnePoint, GeneticMutation.Polynomial)]
    public async Task The_options_choose_the_operators_and_each_choice_optimizes(GeneticSelection selection, GeneticCrossover crossover, GeneticMutation mutation)
    {
        var options = new GeneticOptimizerOptions
        {
            Seed = 11, MaxGenerations = 40, StagnationGenerations = 1000,
            Selection = selection, TournamentSize = 4, RankPressure = 1.8,
            Crossover = crossover, CrossoverEta = 5, Mutation = mutation, MutationEta = 10, MutationScale = 0.2,
        };
        GeneticOperators.Selection(options).Should().BeOfType(selection switch
        {
            GeneticSelection.Roulette => typeof(RouletteSelection),
            GeneticSelection.Rank => typeof(RankSelection),
            _ => typeof(TournamentSelection),
        });
        GeneticOperators.Crossover(options).GetType().Name.Should().Be(crossover + "Crossover");
        GeneticOperators.Mutation(options).GetType().Name.Should().Be(mutation + "Mutation");
        (GeneticOperators.Selection(options) as TournamentSelection)?.Size.Should().Be(4);
        (GeneticOperators.Selection(options) as RankSelection)?.Pressure.Should().Be(1.8);
        (GeneticOperators.Crossover(options) as SimulatedBinaryCrossover)?.Eta.Should().Be(5);
        (GeneticOperators.Mutation(options) as GaussianMutation)?.Scale.Should().Be(0.2);

        var optimizer = new GeneticOptimizer(Reals(3, 5.12), c => TestFunctions.Sphere(c.Genes), options);
        await optimizer.EvolveAsync();
        double first = optimizer.Best!.Fitness;
        OptimizationResult result = await optimizer.RunAsync();
        result.Best.Fitness.Should().BeGreaterThan(first, "forty generations improve on the first");
    }

    [Fact]
    public void Bad_operator_settings_are_refused_naming_each()
    {
        Action bad = () => _ = new GeneticOptimizer(Reals(2, 1), _ => 0, new GeneticOptimizerOptions
        {
            Selection = (GeneticSelection)7, TournamentSize = 0, RankPressure = 3, CrossoverEta = 0, Mutation = (GeneticMutation)9, MutationScale = 2,
        });
        bad.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("Selection is 7; allowed: Tournament, Roulette, Rank").And.Contain("TournamentSize is 0; allowed: 1 to 20")
            .And.Contain("RankPressure is 3; allowed: 1 to 2").And.Contain("CrossoverEta is 0; allowed: 0.1 to 1,000")
            .And.Contain("Mutation is 9; allowed: Polynomial, Gaussian").And.Contain("MutationScale is 2; allowed: 0.001 to 1");
    }

    [Fact]
    public void Bad_settings_are_refused_naming_each()
    {
        Action options = () => _ = new GeneticOptimizer(Reals(2, 1), _ => 0, new GeneticOptimizerOptions { PopulationSize = 2, MutationRate = 1.5 });
        options.Should().Throw<ArgumentException>().WithMessage("PopulationSize is 2; allowed: 4 to 100,000.*MutationRate is 1.5; allowed: 0 to 1.*");
        Action twice = () => _ = new GeneticOptimizer([GeneDefinition.Boolean("a"), GeneDefinition.Boolean("a")], _ => 0);
        twice.Should().Throw<ArgumentException>().WithMessage("The gene 'a' is defined twice*");
        Action inverted = () => GeneDefinition.Real("r", 2, 1);
        inverted.Should().Throw<ArgumentException>().WithMessage("The gene r has bounds 2 to 1*");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task On_the_standard_functions_the_optimizer_beats_random_search_with_the_same_budget()
    {
        const int Seeds = 20;
        const int Generations = 199; // 50 + 199 × 48 = 9,602 evaluations
        output.WriteLine("| Function (10-D) | Genetic optimizer, mean best | Random search, mean best | Evaluations |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        foreach ((string name, Func<IReadOnlyList<double>, double> fitness, double bound) in TestFunctions.All)
        {
            // Seeds run side by side, each on one thread; the sums are taken in seed order, so the figures do not change.
            (double Genetic, double Random, long Budget)[] runs = await Task.WhenAll(Enumerable.Range(0, Seeds).Select(seed => Task.Run(async () =>
            {
                var optimizer = new GeneticOptimizer(Reals(10, bound), c => fitness(c.Genes), new GeneticOptimizerOptions
                {
                    Seed = seed, PopulationSize = 50, MaxGenerations = Generations, StagnationGenerations = 1_000_000, MaxParallelism = 1,
                });
                OptimizationResult result = await optimizer.RunAsync();
                var random = new Random(seed);
                double best = double.NegativeInfinity;
                for (long i = 0; i < result.Evaluations; i++)
                {
                    best = Math.Max(best, fitness([.. Enumerable.Range(0, 10).Select(_ => (random.NextDouble() * 2 * bound) - bound)]));
                }

                return (result.Best.Fitness, best, result.Evaluations);
            })));
            double genetic = runs.Sum(r => r.Genetic / Seeds);
            double randomSearch = runs.Sum(r => r.Random / Seeds);
            long budget = runs[^1].Budget;

            output.WriteLine($"| {name} | {-genetic:G4} | {-randomSearch:G4} | {budget:N0} |");
            genetic.Should().BeGreaterThan(randomSearch, name);
        }
    }
}
