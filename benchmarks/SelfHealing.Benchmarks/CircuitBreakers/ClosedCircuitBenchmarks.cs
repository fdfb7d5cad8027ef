using BenchmarkDotNet.Attributes;
using Polly;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>The success path: a closed circuit around a call that completes synchronously.</summary>
public class ClosedCircuitBenchmarks
{
    private CircuitBreaker _selfHealing = null!;
    private ResiliencePipeline<int> _polly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _selfHealing = Pipelines.SelfHealing(minimumThroughput: 100, TimeSpan.FromSeconds(5));
        _polly = Pipelines.Polly(minimumThroughput: 100, TimeSpan.FromSeconds(5));
    }

    [Benchmark(Description = "await completed ValueTask (floor)")]
    public async ValueTask<int> BareAwait() => await Operation(default);

    [Benchmark(Baseline = true, Description = "Polly ExecuteAsync")]
    public async ValueTask<int> Polly() => await _polly.ExecuteAsync(static ct => Operation(ct));

    [Benchmark(Description = "SelfHealing ExecuteAsync (result)")]
    public async ValueTask<int> SelfHealingResult() => (await _selfHealing.ExecuteAsync(static ct => Operation(ct))).Value;

    [Benchmark(Description = "SelfHealing ExecuteAsync (result, read synchronously)")]
    public int SelfHealingResultSynchronous()
    {
        ValueTask<CircuitBreakerResult<int>> pending = _selfHealing.ExecuteAsync(static ct => Operation(ct));
        return pending.IsCompletedSuccessfully ? pending.Result.Value : pending.AsTask().Result.Value;
    }

    [Benchmark(Description = "SelfHealing ExecuteOrThrowAsync")]
    public async ValueTask<int> SelfHealingThrowing() => await _selfHealing.ExecuteOrThrowAsync(static ct => Operation(ct));

    private static ValueTask<int> Operation(CancellationToken cancellationToken) => new(1);
}
