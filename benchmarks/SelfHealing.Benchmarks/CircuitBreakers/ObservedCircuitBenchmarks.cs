using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Polly;
using SelfHealing.Benchmarks.Metrics;
using SelfHealing.CircuitBreakers;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>
/// The success path of a closed circuit while its call counter is listened to: by nobody, by the metrics collector
/// (as <c>AddSelfHealing()</c> sets it up), and by OpenTelemetry's SDK exporting the SelfHealing meter. Each case runs
/// in its own process, so a listener set up for one case never reaches another.
/// </summary>
public class ObservedCircuitBenchmarks
{
    private CircuitBreaker _breaker = null!;
    private ResiliencePipeline<int> _polly = null!;
    private MetricsCollector? _collector;
    private MeterProvider? _openTelemetry;

    [GlobalSetup(Targets = [nameof(Polly), nameof(Unobserved)])]
    public void SetupUnobserved() => Create();

    [GlobalSetup(Target = nameof(Collector))]
    public void SetupCollector()
    {
        _collector = MetricSetups.SelfHealingWithBreakers();
        _collector.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        Create();
    }

    [GlobalSetup(Target = nameof(OpenTelemetry))]
    public void SetupOpenTelemetry()
    {
        _openTelemetry = Sdk.CreateMeterProviderBuilder().AddMeter(SelfHealingMeter.Name).AddInMemoryExporter(new List<Metric>()).Build();
        Create();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _breaker.Dispose();
        _collector?.Dispose();
        _openTelemetry?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Polly ExecuteAsync (no telemetry)")]
    public async ValueTask<int> Polly() => await _polly.ExecuteAsync(static ct => Operation(ct));

    [Benchmark(Description = "SelfHealing, counter not listened to")]
    public async ValueTask<int> Unobserved() => (await _breaker.ExecuteAsync(static ct => Operation(ct))).Value;

    [Benchmark(Description = "SelfHealing, counted by the metrics collector")]
    public async ValueTask<int> Collector() => (await _breaker.ExecuteAsync(static ct => Operation(ct))).Value;

    [Benchmark(Description = "SelfHealing, exported by OpenTelemetry")]
    public async ValueTask<int> OpenTelemetry() => (await _breaker.ExecuteAsync(static ct => Operation(ct))).Value;

    private void Create()
    {
        _breaker = Pipelines.SelfHealing(minimumThroughput: 100, TimeSpan.FromSeconds(5));
        _polly = Pipelines.Polly(minimumThroughput: 100, TimeSpan.FromSeconds(5));
    }

    private static ValueTask<int> Operation(CancellationToken cancellationToken) => new(1);
}
