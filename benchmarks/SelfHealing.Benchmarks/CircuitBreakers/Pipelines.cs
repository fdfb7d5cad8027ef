using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.CircuitBreakers;

/// <summary>
/// The two breakers under comparison, configured alike: failure ratio 0.5 over a 30 s time-based window,
/// results below zero counted as failures, no exception thrown by the protected call.
/// </summary>
internal static class Pipelines
{
    public const int Failure = -1;

    public static CircuitBreaker SelfHealing(int minimumThroughput, TimeSpan breakDuration, TimeProvider? time = null)
    {
        var options = new CircuitBreakerOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = minimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = breakDuration,
        };
        options.ClassifyResult<int>(static r => r < 0 ? CallOutcome.Failure : CallOutcome.Success);
        return new CircuitBreaker("benchmark", options, time ?? TimeProvider.System);
    }

    public static ResiliencePipeline<int> Polly(int minimumThroughput, TimeSpan breakDuration, TimeProvider? time = null) =>
        new ResiliencePipelineBuilder<int> { TimeProvider = time ?? TimeProvider.System }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>
            {
                FailureRatio = 0.5,
                MinimumThroughput = minimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration,
                ShouldHandle = new PredicateBuilder<int>().HandleResult(static r => r < 0),
            })
            .Build();

    public static FakeTimeProvider FakeTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
