using System.Diagnostics;
using System.Globalization;
using SelfHealing.Optimization;
using SelfHealing.Tests.Optimization;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>
/// The optimizer engines on the standard functions at equal evaluation budgets:
/// <c>dotnet run -c Release --project benchmarks/SelfHealing.Benchmarks -- optimizer [--seeds N]</c>. For each function,
/// dimension and engine (the genetic optimizer and CMA-ES, default options), the median over the seeds of the best value
/// found (the function, 0 at the optimum); then rotated Rastrigin and a noisy Sphere (the true value of what each engine
/// returns). The last line is the summary the optimizer issue specifies; the simulated services are not measured here
/// yet, so their fields read <c>na</c>.
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
        Console.WriteLine($"Optimizer engines, default options, {seeds} seeds, median of the best value found (0 = optimum); budgets 10^4 evaluations at D=10, 3·10^5 at D=30");
        Console.WriteLine();
        Console.WriteLine("| function | D | evaluations | genetic | CMA-ES | seconds (genetic / CMA-ES) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (int d in new[] { 10, 30 })
        {
            long budget = d == 10 ? 10_000 : 300_000;
            foreach ((string name, Func<IReadOnlyList<double>, double> f, double min, double max) in Functions)
            {
                (double genetic, double gs) = await MedianAsync(seeds, s => Genetic(f, d, min, max, budget, s));
                (double cma, double cs) = await MedianAsync(seeds, s => Cma(f, d, min, max, budget, s));
                medians[$"{name}{d}"] = cma;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {d} | {budget:N0} | {genetic:G3} | {cma:G3} | {gs:F1} / {cs:F1} |"));
            }
        }

        Func<IReadOnlyList<double>, double> rotated = TestFunctions.Rotated(TestFunctions.Rastrigin, TestFunctions.Rotation(10, 3));
        (double rotGenetic, _) = await MedianAsync(seeds, s => Genetic(rotated, 10, -5.12, 5.12, 100_000, s));
        (double rotCma, _) = await MedianAsync(seeds, s => Cma(rotated, 10, -5.12, 5.12, 100_000, s));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| rotated rastrigin | 10 | 100,000 | {rotGenetic:G3} | {rotCma:G3} | |"));

        // Noise: additive, sigma 10 % of the median of Sphere at random points in 10 dimensions; the engines see noisy
        // values, the table shows the true value of what each returns.
        double sigma = 0.1 * 87.4; // median of Sphere over [-5.12, 5.12]^10 is about 87.4
        (double noisyGenetic, _) = await MedianAsync(seeds, s => Genetic(TestFunctions.Sphere, 10, -5.12, 5.12, 100_000, s, sigma));
        (double noisyCma, _) = await MedianAsync(seeds, s => Cma(TestFunctions.Sphere, 10, -5.12, 5.12, 100_000, s, sigma));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| noisy sphere (true value returned) | 10 | 100,000 | {noisyGenetic:G3} | {noisyCma:G3} | |"));
        Console.WriteLine();
        Console.WriteLine("Summary: CMA-ES (the engine for real-valued genes); the simulated services are not measured by this command yet.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimizer sphere30={medians["sphere30"]:G3} rosenbrock30={medians["rosenbrock30"]:G3} rastrigin30={medians["rastrigin30"]:G3} rot_rastrigin10={rotCma:G3} noisy_sphere10={noisyCma:G3} service_gap8_pct=na regret_vs_random=na"));
        return 0;
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
    private static async Task<double> Genetic(Func<IReadOnlyList<double>, double> f, int d, double min, double max, long budget, int seed, double noise = 0)
    {
        var random = new Random(seed * 7919);
        int generations = (int)(budget / new GeneticOptimizerOptions().PopulationSize);
        var optimizer = new GeneticOptimizer(Genes(d, min, max), c => f(c.Genes) + (noise * Normal(random)),
            new GeneticOptimizerOptions { Seed = seed, MaxGenerations = generations, StagnationGenerations = generations, MaxParallelism = 1 });
        OptimizationResult result = await optimizer.RunAsync();
        return -f(result.Best.Genes);
    }

    private static async Task<double> Cma(Func<IReadOnlyList<double>, double> f, int d, double min, double max, long budget, int seed, double noise = 0)
    {
        var random = new Random(seed * 7919);
        var optimizer = new CmaEsOptimizer(Genes(d, min, max), c => f(c.Genes) + (noise * Normal(random)), new CmaEsOptions { Seed = seed, MaxEvaluations = budget });
        OptimizationResult result = await optimizer.RunAsync();
        return -f(result.Best.Genes);
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
