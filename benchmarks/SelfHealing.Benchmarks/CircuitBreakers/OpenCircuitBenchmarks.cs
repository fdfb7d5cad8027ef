using BenchmarkDotNet.Attributes;
using Polly;
using PollyBroken = Polly.CircuitBreaker.BrokenCircuitException;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>The rejected path: an open circuit (opened by failures, break of one day) turning calls away.</summary>
public class OpenCircuitBenchmarks
{
    private CircuitBreaker _selfHealing = null!;
    private ResiliencePipeline<int> _polly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _selfHealing = Pipelines.SelfHealing(minimumThroughput: 2, TimeSpan.FromDays(1));
        _polly = Pipelines.Polly(minimumThroughput: 2, TimeSpan.FromDays(1));
        for (int i = 0; i < 2; i++)
        {
            _ = _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure)).AsTask().Result;
            _ = _polly.ExecuteAsync(static _ => new ValueTask<int>(Pipelines.Failure)).AsTask().Result;
        }

        if (_selfHealing.State != SelfHealing.CircuitBreakers.CircuitState.Open)
        {
            throw new InvalidOperationException("The SelfHealing breaker did not open.");
        }

        try
        {
            _ = _polly.ExecuteAsync(static _ => new ValueTask<int>(1)).AsTask().Result;
            throw new InvalidOperationException("The Polly breaker did not open.");
        }
        catch (AggregateException e) when (e.InnerException is PollyBroken)
        {
        }
    }

    [Benchmark(Baseline = true, Description = "Polly ExecuteAsync (throws)")]
    public async ValueTask<int> PollyThrowing()
    {
        try
        {
            return await _polly.ExecuteAsync(static _ => new ValueTask<int>(1));
        }
        catch (PollyBroken)
        {
            return 0;
        }
    }

    [Benchmark(Description = "Polly ExecuteOutcomeAsync")]
    public async ValueTask<int> PollyOutcome()
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        Outcome<int> outcome = await _polly.ExecuteOutcomeAsync(static (_, _) => new ValueTask<Outcome<int>>(Outcome.FromResult(1)), context, 0);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is null ? outcome.Result : 0;
    }

    [Benchmark(Description = "SelfHealing ExecuteAsync (result)")]
    public async ValueTask<int> SelfHealingResult()
    {
        CircuitBreakerResult<int> result = await _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(1));
        return result.IsRejected ? 0 : result.Value;
    }

    [Benchmark(Description = "SelfHealing ExecuteAsync (result, read synchronously)")]
    public int SelfHealingResultSynchronous()
    {
        ValueTask<CircuitBreakerResult<int>> pending = _selfHealing.ExecuteAsync(static _ => new ValueTask<int>(1));
        CircuitBreakerResult<int> result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().Result;
        return result.IsRejected ? 0 : result.Value;
    }

    [Benchmark(Description = "SelfHealing ExecuteOrThrowAsync (throws)")]
    public async ValueTask<int> SelfHealingThrowing()
    {
        try
        {
            return await _selfHealing.ExecuteOrThrowAsync(static _ => new ValueTask<int>(1));
        }
        catch (BrokenCircuitException)
        {
            return 0;
        }
    }
}
