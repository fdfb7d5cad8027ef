using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Metrics;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>
/// <c>AggregateAsync</c> over the last 5 minutes of a series that received one million latencies in them
/// (count, sum, extremes, p50/p95/p99 and rate). No peer answers this in-process: OpenTelemetry exports
/// and leaves queries to a back end.
/// </summary>
public class MetricAggregateBenchmarks
{
    private MetricsCollector _collector = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = new FakeTimeProvider();
        _collector = new MetricsCollector(new MetricsCollectorOptions { CollectProcessMetrics = false, IncludeDefaultInstruments = false }, time);
        MetricHistogram histogram = _collector.Histogram("latency", "s");
        double[] latencies = MetricSetups.Latencies(4096);
        int recorded = 0;
        for (int second = 0; second < 300; second++)
        {
            for (int i = 0; i < 3_334 && recorded < 1_000_000; i++, recorded++)
            {
                histogram.Record(latencies[recorded & 4095]);
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        time.Advance(TimeSpan.FromMilliseconds(500));
    }

    [GlobalCleanup]
    public void Cleanup() => _collector.Dispose();

    [Benchmark(Description = "SelfHealing AggregateAsync, 5 minutes, 1M values")]
    public async Task<double> Aggregate()
    {
        AggregatedMetric result = await _collector.AggregateAsync("latency", TimeSpan.FromMinutes(5));
        return result.Count == 1_000_000 ? result.P99 : throw new InvalidOperationException($"Expected 1,000,000 values, found {result.Count}.");
    }
}
