using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Metrics;
using SelfHealing.Metrics;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>
/// Recording one latency through a histogram handle, without tags and with two tags: OpenTelemetry's
/// <c>Histogram&lt;double&gt;.Record</c> with a MeterProvider collecting it (default explicit buckets, and the
/// base-2 exponential histogram) against the SelfHealing collector's <c>MetricHistogram.Record</c>.
/// </summary>
public class MetricRecordBenchmarks
{
    private const int Samples = 4096;
    private static readonly KeyValuePair<string, object?> Route = new("http.route", "/orders/{id}");
    private static readonly KeyValuePair<string, object?> Status = new("http.response.status_code", 200);
    private double[] _latencies = null!;
    private Meter _meter = null!;
    private MeterProvider _provider = null!;
    private Meter _exponentialMeter = null!;
    private MeterProvider _exponentialProvider = null!;
    private Histogram<double> _otel = null!;
    private Histogram<double> _otelExponential = null!;
    private MetricsCollector _collector = null!;
    private MetricHistogram _selfHealing = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _latencies = MetricSetups.Latencies(Samples);
        (_meter, _provider) = MetricSetups.OpenTelemetry(exponential: false);
        (_exponentialMeter, _exponentialProvider) = MetricSetups.OpenTelemetry(exponential: true);
        _otel = _meter.CreateHistogram<double>("latency", "s");
        _otelExponential = _exponentialMeter.CreateHistogram<double>("latency", "s");
        _collector = MetricSetups.SelfHealing();
        _selfHealing = _collector.Histogram("latency", "s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _exponentialProvider.Dispose();
        _meter.Dispose();
        _exponentialMeter.Dispose();
        _collector.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry Histogram.Record")]
    public void OpenTelemetry() => _otel.Record(_latencies[_next++ & (Samples - 1)]);

    [Benchmark(Description = "OpenTelemetry exponential Histogram.Record")]
    public void OpenTelemetryExponential() => _otelExponential.Record(_latencies[_next++ & (Samples - 1)]);

    [Benchmark(Description = "SelfHealing MetricHistogram.Record")]
    public void SelfHealing() => _selfHealing.Record(_latencies[_next++ & (Samples - 1)]);

    [Benchmark(Description = "OpenTelemetry Histogram.Record, 2 tags")]
    public void OpenTelemetryTagged() => _otel.Record(_latencies[_next++ & (Samples - 1)], Route, Status);

    [Benchmark(Description = "SelfHealing MetricHistogram.Record, 2 tags")]
    public void SelfHealingTagged() => _selfHealing.Record(_latencies[_next++ & (Samples - 1)], Route, Status);
}
