using BenchmarkDotNet.Attributes;
using Polly;
using SelfHealing.Polly;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>
/// Inside a Polly pipeline: a typed pipeline holding Polly's circuit breaker against the same pipeline holding
/// SelfHealing's breaker as a strategy (<c>AddSelfHealingCircuitBreaker</c>), configured alike (see <see cref="Pipelines"/>);
/// the success path, and the path where the circuit is open.
/// </summary>
public class PollyStrategyBenchmarks
{
    private ResiliencePipeline<int> _polly = null!;
    private ResiliencePipeline<int> _selfHealing = null!;
    private ResiliencePipeline<int> _pollyOpen = null!;
    private ResiliencePipeline<int> _selfHealingOpen = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = Pipelines.Polly(minimumThroughput: 100, TimeSpan.FromSeconds(5));
        _selfHealing = new ResiliencePipelineBuilder<int>().AddSelfHealingCircuitBreaker(Pipelines.SelfHealing(minimumThroughput: 100, TimeSpan.FromSeconds(5))).Build();

        // Opened once by two failures, for an hour: every measured call is rejected.
        _pollyOpen = Pipelines.Polly(minimumThroughput: 2, TimeSpan.FromHours(1));
        _selfHealingOpen = new ResiliencePipelineBuilder<int>().AddSelfHealingCircuitBreaker(Pipelines.SelfHealing(minimumThroughput: 2, TimeSpan.FromHours(1))).Build();
        for (int i = 0; i < 2; i++)
        {
            _pollyOpen.Execute(static () => Pipelines.Failure);
            _selfHealingOpen.Execute(static () => Pipelines.Failure);
        }
    }

    [Benchmark(Baseline = true, Description = "Polly breaker, closed")]
    public async ValueTask<int> PollyClosed() => await _polly.ExecuteAsync(static ct => Operation(ct));

    [Benchmark(Description = "SelfHealing strategy, closed")]
    public async ValueTask<int> SelfHealingClosed() => await _selfHealing.ExecuteAsync(static ct => Operation(ct));

    [Benchmark(Description = "Polly breaker, open (outcome)")]
    public ValueTask<bool> PollyOpen() => RejectedAsync(_pollyOpen);

    [Benchmark(Description = "SelfHealing strategy, open (outcome)")]
    public ValueTask<bool> SelfHealingOpen() => RejectedAsync(_selfHealingOpen);

    private static ValueTask<int> Operation(CancellationToken cancellationToken) => new(1);

    // The outcome API: a rejection is returned, not thrown, on both sides.
    private static async ValueTask<bool> RejectedAsync(ResiliencePipeline<int> pipeline)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        try
        {
            Outcome<int> outcome = await pipeline.ExecuteOutcomeAsync(static (_, _) => new ValueTask<Outcome<int>>(global::Polly.Outcome.FromResult(1)), context, 0);
            return outcome.Exception is not null;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
