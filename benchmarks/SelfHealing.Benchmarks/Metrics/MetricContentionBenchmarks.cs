using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Metrics;
using SelfHealing.Metrics;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>Two threads recording into the same histogram series at once; the time is per value.</summary>
public class MetricContentionBenchmarks
{
    private const int ValuesPerThread = 100_000;
    private double[] _latencies = null!;
    private Meter _meter = null!;
    private MeterProvider _provider = null!;
    private Histogram<double> _otel = null!;
    private MetricsCollector _collector = null!;
    private MetricHistogram _selfHealing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _latencies = MetricSetups.Latencies(4096);
        (_meter, _provider) = MetricSetups.OpenTelemetry(exponential: false);
        _otel = _meter.CreateHistogram<double>("latency", "s");
        _collector = MetricSetups.SelfHealing();
        _selfHealing = _collector.Histogram("latency", "s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _meter.Dispose();
        _collector.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * ValuesPerThread, Description = "OpenTelemetry, 2 threads")]
    public void OpenTelemetry() => Parallel.Invoke(OpenTelemetryLoop, OpenTelemetryLoop);

    [Benchmark(OperationsPerInvoke = 2 * ValuesPerThread, Description = "SelfHealing, 2 threads")]
    public void SelfHealing() => Parallel.Invoke(SelfHealingLoop, SelfHealingLoop);

    private void OpenTelemetryLoop()
    {
        for (int i = 0; i < ValuesPerThread; i++)
        {
            _otel.Record(_latencies[i & 4095]);
        }
    }

    private void SelfHealingLoop()
    {
        for (int i = 0; i < ValuesPerThread; i++)
        {
            _selfHealing.Record(_latencies[i & 4095]);
        }
    }
}
