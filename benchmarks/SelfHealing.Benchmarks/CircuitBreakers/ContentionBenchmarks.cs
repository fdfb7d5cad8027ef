using BenchmarkDotNet.Attributes;
using Polly;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>Two threads calling through one closed breaker at once; the time is per call.</summary>
public class ContentionBenchmarks
{
    private const int CallsPerThread = 100_000;
    private CircuitBreaker _selfHealing = null!;
    private ResiliencePipeline<int> _polly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _selfHealing = Pipelines.SelfHealing(minimumThroughput: 100, TimeSpan.FromSeconds(5));
        _polly = Pipelines.Polly(minimumThroughput: 100, TimeSpan.FromSeconds(5));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * CallsPerThread, Description = "Polly, 2 threads")]
    public void Polly() => Parallel.Invoke(PollyLoop, PollyLoop);

    [Benchmark(OperationsPerInvoke = 2 * CallsPerThread, Description = "SelfHealing, 2 threads")]
    public void SelfHealing() => Parallel.Invoke(SelfHealingLoop, SelfHealingLoop);

    private void PollyLoop()
    {
        for (int i = 0; i < CallsPerThread; i++)
        {
            ValueTask<int> pending = _polly.ExecuteAsync(static _ => new ValueTask<int>(1));
            if (!pending.IsCompletedSuccessfully || pending.Result != 1)
            {
                throw new InvalidOperationException("Polly call did not complete synchronously.");
            }
        }
    }

    private void SelfHealingLoop()
    {
        for (int i = 0; i < CallsPerThread; i++)
        {
            ValueTask<CircuitBreakerResult<int>> pending = _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(1));
            if (!pending.IsCompletedSuccessfully || !pending.Result.IsSuccess)
            {
                throw new InvalidOperationException("SelfHealing call did not complete synchronously.");
            }
        }
    }
}
