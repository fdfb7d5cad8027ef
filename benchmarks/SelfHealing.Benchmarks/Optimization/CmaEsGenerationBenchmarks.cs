using BenchmarkDotNet.Attributes;
using SelfHealing.Optimization;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>
/// The CMA-ES engine's own cost for one generation of 20 genes (the default population, 12): sampling the candidates
/// from the distribution, ranking them by a fitness that costs next to nothing, and updating the mean, the paths, the
/// covariance, the step size and (every generation at this size) the eigen decomposition.
/// </summary>
public class CmaEsGenerationBenchmarks
{
    private const int Genes = 20;
    private CmaEsSearch _search = null!;
    private Random _random = null!;
    private double[][] _steps = null!;
    private double[] _fitness = null!;

    [GlobalSetup]
    public void Setup()
    {
        _random = new Random(1);
        _search = new CmaEsSearch(Genes, 4 + (int)(3 * Math.Log(Genes)), 0.3, _random);
        _steps = new double[_search.Lambda][];
        _fitness = new double[_search.Lambda];
    }

    [Benchmark(Description = "CMA-ES: one generation's sampling, ranking and update (20 genes, 12 candidates)")]
    public int Generation()
    {
        for (int k = 0; k < _search.Lambda; k++)
        {
            (double[] candidate, _steps[k]) = _search.Sample(_random);
            double f = 0;
            for (int i = 0; i < candidate.Length; i++)
            {
                f -= (candidate[i] - 0.5) * (candidate[i] - 0.5);
            }

            _fitness[k] = f;
        }

        int[] order = [.. Enumerable.Range(0, _search.Lambda).OrderByDescending(k => _fitness[k])];
        _search.Update(_steps, order);
        _search.Remember(_fitness[order[0]], _fitness[order[order.Length / 2]], _fitness[order[^1]]);
        return order[0];
    }
}
