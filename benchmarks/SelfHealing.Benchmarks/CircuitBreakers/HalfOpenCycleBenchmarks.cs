using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Polly;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>
/// Half-open probing: one operation is a whole cycle on a fake clock: two failures open the circuit, the
/// break elapses, a probe succeeds and closes it.
/// </summary>
public class HalfOpenCycleBenchmarks
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(1);
    private FakeTimeProvider _selfHealingTime = null!;
    private FakeTimeProvider _pollyTime = null!;
    private CircuitBreaker _selfHealing = null!;
    private ResiliencePipeline<int> _polly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _selfHealingTime = Pipelines.FakeTime();
        _pollyTime = Pipelines.FakeTime();
        _selfHealing = Pipelines.SelfHealing(minimumThroughput: 2, Break, _selfHealingTime);
        _polly = Pipelines.Polly(minimumThroughput: 2, Break, _pollyTime);
    }

    [Benchmark(Baseline = true, Description = "Polly open-probe-close cycle")]
    public async ValueTask<int> Polly()
    {
        await _polly.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure));
        await _polly.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure));
        _pollyTime.Advance(Break);
        return await _polly.ExecuteAsync(static _ => new ValueTask<int>(1));
    }

    [Benchmark(Description = "SelfHealing open-probe-close cycle")]
    public async ValueTask<int> SelfHealing()
    {
        await _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure));
        await _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure));
        _selfHealingTime.Advance(Break);
        return (await _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(1))).Value;
    }
}
