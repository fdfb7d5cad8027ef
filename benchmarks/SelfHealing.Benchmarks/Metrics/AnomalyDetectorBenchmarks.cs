using BenchmarkDotNet.Attributes;
using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>The cost of judging one closed bucket of one series (default options: a window of 60 values).</summary>
public class AnomalyDetectorBenchmarks
{
    private const int Samples = 4096;
    private readonly double[] _values = new double[Samples];
    private AnomalyDetector _detector = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Samples; i++)
        {
            _values[i] = 100 + (random.NextDouble() * 10);
        }

        _detector = new AnomalyDetector();
        for (int i = 0; i < 100; i++)
        {
            _detector.Observe(_values[i], out _);
        }
    }

    [Benchmark(Description = "AnomalyDetector.Observe (window 60)")]
    public bool Observe() => _detector.Observe(_values[_next++ & (Samples - 1)], out _);
}
