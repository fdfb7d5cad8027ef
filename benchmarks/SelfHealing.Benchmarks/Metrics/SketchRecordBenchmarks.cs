using BenchmarkDotNet.Attributes;
using HdrHistogram;
using SelfHealing.Metrics.Sketches;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>
/// Recording one latency sample into a thread-safe quantile structure: the sketch that backs the
/// metrics collector (1% relative error) against HdrHistogram's concurrent histogram at 2 significant digits
/// (the same 1% precision; values in microseconds up to one hour). Both record the same pseudo-random latencies.
/// </summary>
public class SketchRecordBenchmarks
{
    private const int Samples = 4096;
    private readonly double[] _milliseconds = new double[Samples];
    private readonly long[] _microseconds = new long[Samples];
    private QuantileSketch _sketch = null!;
    private LongConcurrentHistogram _hdr = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Samples; i++)
        {
            _milliseconds[i] = Math.Exp(1 + random.NextDouble() * 4); // about 3 ms to 150 ms
            _microseconds[i] = (long)(_milliseconds[i] * 1000);
        }

        _sketch = new QuantileSketch(new LogBuckets(0.01, 1e-9, 1e12));
        _hdr = new LongConcurrentHistogram(1, TimeSpan.FromHours(1).Ticks / 10, 2);
    }

    [Benchmark(Baseline = true, Description = "HdrHistogram LongConcurrentHistogram.RecordValue")]
    public void Hdr() => _hdr.RecordValue(_microseconds[_next++ & (Samples - 1)]);

    [Benchmark(Description = "SelfHealing QuantileSketch.Record")]
    public bool Sketch() => _sketch.Record(_milliseconds[_next++ & (Samples - 1)]);
}
