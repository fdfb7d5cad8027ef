using System.Diagnostics;
using System.Globalization;
using SelfHealing.Optimization;
using SelfHealing.Tests.Optimization;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>
/// The optimizer engines: <c>dotnet run -c Release --project benchmarks/SelfHealing.Benchmarks -- optimizer [--seeds N]
/// [--only services|functions] [--dims D]</c>, or <c>optimizer --sweep</c> for the genetic settings the defaults were chosen
/// from. First the online optimizer tuning the simulated services live (<see cref="ServiceTuning"/>); then, for each
/// standard function, dimension and engine (default options), the median over the seeds of the best value found (0 at
/// the optimum), rotated Rastrigin, and a noisy Sphere (the true value of what each engine returns and of the best point
/// it evaluated). The last line is the summary the optimizer issue specifies: the functions by CMA-ES (what <c>Auto</c>
/// picks for real genes), the services by the online optimizer's defaults.
/// </summary>
internal static class OptimizerBenchmark
{
    private static readonly (string Name, Func<IReadOnlyList<double>, double> Fitness, double Min, double Max)[] Functions =
    [
        ("sphere", TestFunctions.Sphere, -5.12, 5.12),
        ("rastrigin", TestFunctions.Rastrigin, -5.12, 5.12),
        ("rosenbrock", TestFunctions.Rosenbrock, -5, 10),
        ("ackley", TestFunctions.Ackley, -32.768, 32.768),
        ("griewank", TestFunctions.Griewank, -600, 600),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        int seeds = args.SkipWhile(a => a != "--seeds").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(21);
        if (args.Contains("--sweep"))
        {
            await GeneticSweepAsync(args.Contains("--seeds") ? seeds : 5);
            return 0;
        }

        string only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault("all");
        if (only is not ("all" or "functions" or "services"))
        {
            Console.Error.WriteLine($"--only is '{only}'; allowed: functions, services.");
            return 2;
        }

        (double Gap8, double RegretRatio) services = (double.NaN, double.NaN);
        if (only is "all" or "services")
        {
            services = await ServicesAsync(seeds);
            if (only == "services")
            {
                return 0;
            }
        }

        Console.WriteLine($"Optimizer engines, default options, {seeds} seeds, median of the best value found (0 = optimum); budgets 10^4 evaluations at D=10, 3·10^5 at D=30");
        Console.WriteLine();
        Console.WriteLine("| function | D | evaluations | genetic | CMA-ES | seconds (genetic / CMA-ES) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        int[] dims = args.SkipWhile(a => a != "--dims").Skip(1).Select(a => (int[])[int.Parse(a, CultureInfo.InvariantCulture)]).FirstOrDefault([10, 30]);
        foreach (int d in dims)
        {
            long budget = d == 10 ? 10_000 : 300_000;
            foreach ((string name, Func<IReadOnlyList<double>, double> f, double min, double max) in Functions)
            {
                (double genetic, double gs) = await MedianAsync(seeds, s => Genetic(f, d, min, max, budget, s));
                (double cma, double cs) = await MedianAsync(seeds, s => Cma(f, d, min, max, budget, s));
                medians[$"{name}{d}"] = cma;
                medians[$"ga_{name}{d}"] = genetic;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {d} | {budget:N0} | {genetic:G3} | {cma:G3} | {gs:F1} / {cs:F1} |"));
            }
        }

        Func<IReadOnlyList<double>, double> rotated = TestFunctions.Rotated(TestFunctions.Rastrigin, TestFunctions.Rotation(10, 3));
        (double rotGenetic, _) = await MedianAsync(seeds, s => Genetic(rotated, 10, -5.12, 5.12, 100_000, s));
        (double rotCma, _) = await MedianAsync(seeds, s => Cma(rotated, 10, -5.12, 5.12, 100_000, s));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| rotated rastrigin | 10 | 100,000 | {rotGenetic:G3} | {rotCma:G3} | |"));

        // Noise: additive, sigma 10 % of the median of Sphere at random points in 10 dimensions; the engines see noisy
        // values, the table shows the true value of what each returns, and of the best point it evaluated.
        double sigma = 0.1 * 87.4; // median of Sphere over [-5.12, 5.12]^10 is about 87.4
        var noisyGenetic = new List<(double Returned, double BestEvaluated)>();
        var noisyCmaRuns = new List<(double Returned, double BestEvaluated)>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            noisyGenetic.Add(await NoisyAsync(OptimizerEngine.Genetic, 10, 100_000, seed, sigma));
            noisyCmaRuns.Add(await NoisyAsync(OptimizerEngine.CmaEs, 10, 100_000, seed, sigma));
        }

        double noisyCma = Median(noisyCmaRuns.Select(r => r.Returned));
        foreach ((string engine, List<(double Returned, double BestEvaluated)> runs) in (ValueTuple<string, List<(double, double)>>[])[("genetic", noisyGenetic), ("CMA-ES", noisyCmaRuns)])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| noisy sphere, {engine}: true value returned / of the best point evaluated / their ratio (medians) | 10 | 100,000 | {Median(runs.Select(r => r.Returned)):G3} | {Median(runs.Select(r => r.BestEvaluated)):G3} | {Median(runs.Select(r => r.Returned / r.BestEvaluated)):F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Summary: the functions by CMA-ES (what Auto picks for real genes); the tests' service by the online optimizer's defaults (Auto: CMA-ES), regret against random search's.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimizer sphere30={medians.GetValueOrDefault("sphere30", double.NaN):G3} rosenbrock30={medians.GetValueOrDefault("rosenbrock30", double.NaN):G3} rastrigin30={medians.GetValueOrDefault("rastrigin30", double.NaN):G3} rot_rastrigin10={rotCma:G3} noisy_sphere10={noisyCma:G3} service_gap8_pct={services.Gap8 * 100:F1} regret_vs_random={services.RegretRatio:F2}"));
        return 0;
    }

    // The online optimizer (default options of the tests, the sample's own for the checkout) against random search,
    // tuning each simulated service live: the share of the gap to the grid optimum closed by generation 8 and 20, the
    // regret, and after the tests' service's workload change, the generations it takes to close 95 % of the new gap.
    private static async Task<(double Gap8, double RegretRatio)> ServicesAsync(int seeds)
    {
        Console.WriteLine($"Online tuning of the simulated services, {seeds} seeds (medians; gap closed = (promoted - defaults) / (optimum - defaults), true fitness)");
        Console.WriteLine();
        Console.WriteLine("| service | search | gap closed, gen. 8 | gen. 20 | seeds ≥ 97 % at gen. 8 | regret (20 gen.) | re-converged after the change (gen., median / worst / missed) | seconds |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|---:|");
        (double, double) summary = (double.NaN, double.NaN);
        foreach (TunedService service in (TunedService[])[new TestsService(), new CheckoutService()])
        {
            double ourRegret = double.NaN;
            foreach ((string search, OptimizerEngine engine, bool random) in (ValueTuple<string, OptimizerEngine, bool>[])
                [("online optimizer (Auto: CMA-ES)", OptimizerEngine.Auto, false), ("online optimizer, genetic engine", OptimizerEngine.Genetic, false), ("random", OptimizerEngine.Genetic, true)])
            {
                long start = Stopwatch.GetTimestamp();
                var runs = new List<ServiceTuning.Run>();
                for (int seed = 1; seed <= seeds; seed++)
                {
                    TunedService fresh = service is TestsService ? new TestsService() : new CheckoutService();
                    runs.Add(await ServiceTuning.RunAsync(fresh, seed, generations: 20, afterChange: 10, bar: 0.95, engine, random));
                }

                double gap8 = Median(runs.Select(r => r.Gap[7]));
                double gap20 = Median(runs.Select(r => r.Gap[19]));
                double regret = Median(runs.Select(r => r.Regret));
                int at97 = runs.Count(r => r.Gap[7] >= 0.97);
                string change = service.HasWorkloadChange
                    ? string.Create(CultureInfo.InvariantCulture, $"{Median(runs.Select(r => (double)(r.Reconverged ?? 99))):0} / {(runs.Any(r => r.Reconverged is null) ? "-" : runs.Max(r => r.Reconverged!.Value).ToString(CultureInfo.InvariantCulture))} / {runs.Count(r => r.Reconverged is null)}")
                    : "no change modelled";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {service.Name} | {search} | {gap8 * 100:F1} % | {gap20 * 100:F1} % | {at97}/{runs.Count} | {regret:F2} | {change} | {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} |"));
                if (engine == OptimizerEngine.Auto)
                {
                    ourRegret = regret;
                    if (service is TestsService)
                    {
                        summary = (gap8, double.NaN);
                    }
                }
                else if (service is TestsService)
                {
                    summary = (summary.Item1, ourRegret / regret);
                }
            }
        }

        Console.WriteLine();
        return summary;
    }

    // The sweep the genetic defaults were chosen from: every combination of the numeric mutation, its rate, adaptive
    // rates and the population size, on the five functions at D=10 with 10^4 evaluations; ranked by the mean over the
    // functions of log10 of the median best value (1e-12 counted as the floor).
    private static async Task GeneticSweepAsync(int seeds)
    {
        Console.WriteLine($"Genetic optimizer settings on the standard functions, D=10, 10,000 evaluations, {seeds} seeds (median best value; 0 = optimum)");
        Console.WriteLine();
        Console.WriteLine("| rank | mutation | rate | adaptive rates | population | score | " + string.Join(" | ", Functions.Select(f => f.Name)) + " |");
        Console.WriteLine("|---:|---|---:|---|---:|---:|" + string.Concat(Functions.Select(_ => "---:|")));
        var rows = new List<(string Label, double Score, double[] Medians)>();
        GeneticOptimizerOptions defaults = new();
        foreach (GeneticMutation mutation in (GeneticMutation[])[GeneticMutation.Polynomial, GeneticMutation.Spread])
        {
            foreach (double rate in (double[])[0.1, 0.3, 0.5])
            {
                foreach (bool adaptive in (bool[])[true, false])
                {
                    foreach (int population in (int[])[20, 50, 100])
                    {
                        var medians = new double[Functions.Length];
                        for (int f = 0; f < Functions.Length; f++)
                        {
                            (string _, Func<IReadOnlyList<double>, double> fn, double min, double max) = Functions[f];
                            (medians[f], _) = await MedianAsync(seeds, s => Genetic(fn, 10, min, max, 10_000, s, new GeneticOptimizerOptions
                            {
                                Mutation = mutation, MutationRate = rate, AdaptiveRates = adaptive, PopulationSize = population,
                            }));
                        }

                        bool isDefault = mutation == defaults.Mutation && rate == defaults.MutationRate && adaptive == defaults.AdaptiveRates && population == defaults.PopulationSize;
                        string label = string.Create(CultureInfo.InvariantCulture, $"{mutation}{(isDefault ? " (defaults)" : "")} | {rate} | {(adaptive ? "on" : "off")} | {population}");
                        rows.Add((label, medians.Average(m => Math.Log10(Math.Max(m, 1e-12))), medians));
                    }
                }
            }
        }

        int rank = 0;
        foreach ((string label, double score, double[] medians) in rows.OrderBy(r => r.Score))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {++rank} | {label} | {score:F2} | {string.Join(" | ", medians.Select(m => m.ToString("G3", CultureInfo.InvariantCulture)))} |"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<(double Median, double Seconds)> MedianAsync(int seeds, Func<int, Task<double>> run)
    {
        long start = Stopwatch.GetTimestamp();
        var values = new List<double>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            values.Add(await run(seed));
        }

        values.Sort();
        return (values[values.Count / 2], Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static GeneDefinition[] Genes(int d, double min, double max) => [.. Enumerable.Range(0, d).Select(i => GeneDefinition.Real($"x{i}", min, max))];

    // The true value (the function, not negated) of what the engine returns.
    private static async Task<double> Genetic(Func<IReadOnlyList<double>, double> f, int d, double min, double max, long budget, int seed, GeneticOptimizerOptions? settings = null)
    {
        GeneticOptimizerOptions options = settings ?? new GeneticOptimizerOptions();
        options.Seed = seed;
        options.MaxGenerations = (int)(budget / options.PopulationSize) - 1; // the initial population counts as one
        options.MaxParallelism = 1;
        var optimizer = new GeneticOptimizer(Genes(d, min, max), c => f(c.Genes), options);
        OptimizationResult result = await optimizer.RunAsync();
        return -f(result.Best.Genes);
    }

    // A noisy Sphere run through the one entry point: the true value of what is returned and of the best point evaluated.
    private static async Task<(double Returned, double BestEvaluated)> NoisyAsync(OptimizerEngine engine, int d, long budget, int seed, double sigma)
    {
        // The genetic engine evaluates in parallel: each measurement's noise is drawn from the point and how often it was
        // measured, so the run does not depend on which evaluation ran first.
        double bestEvaluated = double.PositiveInfinity;
        var gate = new Lock();
        OptimizationResult result = await Optimize.RunAsync(Genes(d, -5.12, 5.12), (c, _) =>
        {
            double fitness = TestFunctions.Sphere(c.Genes); // the function negated: higher is better
            lock (gate)
            {
                bestEvaluated = Math.Min(bestEvaluated, -fitness);
            }

            return ValueTask.FromResult(fitness + (sigma * Normal(new Random(NoiseSeed(c, seed)))));
        }, budget, engine, seed);
        return (-TestFunctions.Sphere(result.Best.Genes), bestEvaluated);
    }

    private static async Task<double> Cma(Func<IReadOnlyList<double>, double> f, int d, double min, double max, long budget, int seed)
    {
        var optimizer = new CmaEsOptimizer(Genes(d, min, max), c => f(c.Genes), new CmaEsOptions { Seed = seed, MaxEvaluations = budget });
        OptimizationResult result = await optimizer.RunAsync();
        return -f(result.Best.Genes);
    }

    private static int NoiseSeed(Chromosome chromosome, int seed)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (double gene in chromosome.Genes)
        {
            hash = (hash ^ (ulong)BitConverter.DoubleToInt64Bits(gene)) * 1099511628211UL;
        }

        hash = (hash ^ (ulong)chromosome.Evaluations) * 1099511628211UL;
        return (int)(hash ^ (hash >> 32));
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
