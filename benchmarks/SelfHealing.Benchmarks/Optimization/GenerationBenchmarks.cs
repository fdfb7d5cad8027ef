using BenchmarkDotNet.Attributes;
using SelfHealing.Optimization;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>
/// One generation of 100 chromosomes of 20 genes (10 real, 4 whole, 3 boolean, 3 categorical): the operators
/// alone (elitism, tournament selection, simulated binary crossover, polynomial mutation, bounds), and the whole
/// generation with a fitness that costs next to nothing (the operators plus the parallel evaluation's overhead).
/// </summary>
public class GenerationBenchmarks
{
    private GeneticOptimizer _optimizer = null!;
    private List<Chromosome> _population = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        GeneDefinition[] genes =
        [
            .. Enumerable.Range(0, 10).Select(i => GeneDefinition.Real($"r{i}", -5, 5)),
            .. Enumerable.Range(0, 4).Select(i => GeneDefinition.Whole($"w{i}", 1, 100)),
            .. Enumerable.Range(0, 3).Select(i => GeneDefinition.Boolean($"b{i}")),
            .. Enumerable.Range(0, 3).Select(i => GeneDefinition.Categorical($"c{i}", ["a", "b", "c", "d"])),
        ];
        _optimizer = new GeneticOptimizer(genes, c => -c.Genes.Sum(v => v * v), new GeneticOptimizerOptions { PopulationSize = 100, Seed = 1, MaxGenerations = 1_000_000, StagnationGenerations = 1_000_000 });
        await _optimizer.EvolveAsync();
        _population = [.. _optimizer.Population];
    }

    [Benchmark(Description = "operators of one generation (100 x 20 genes)")]
    public int Breed() => _optimizer.Breed(_population).Next.Count;

    [Benchmark(Description = "one generation with a trivial fitness (100 x 20 genes)")]
    public Task<Chromosome> Evolve() => _optimizer.EvolveAsync();
}
