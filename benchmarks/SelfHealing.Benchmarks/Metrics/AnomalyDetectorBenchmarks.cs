using BenchmarkDotNet.Attributes;
using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>
/// The cost of scoring one observation of one series with default options, after warm-up: a noisy daily cycle at
/// 5-minute steps, so the seasonal profile, both surprise channels and their calibration all run.
/// </summary>
public class AnomalyDetectorBenchmarks
{
    private const int Samples = 4096;
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);
    private readonly double[] _values = new double[Samples];
    private AnomalyDetector _detector = null!;
    private DateTimeOffset _time;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Samples; i++)
        {
            _values[i] = 100 + (30 * Math.Sin(2 * Math.PI * i / 288)) + (random.NextDouble() * 10);
        }

        _detector = new AnomalyDetector();
        _time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 3 * 288; i++)
        {
            Observe();
        }
    }

    [Benchmark(Description = "AnomalyDetector.Observe (defaults, daily cycle)")]
    public double Observe()
    {
        _time += Step;
        return _detector.Observe(_time, _values[_next++ & (Samples - 1)]).Score;
    }
}
