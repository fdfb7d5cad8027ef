using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Retry;
using SelfHealing.CircuitBreakers;
using PollyBroken = Polly.CircuitBreaker.BrokenCircuitException;
using PollyIsolated = Polly.CircuitBreaker.IsolatedCircuitException;

namespace SelfHealing.Polly.Tests;

/// <summary>SelfHealing's breaker inside Polly v8 pipelines.</summary>
public sealed class PipelineTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreaker _breaker;

    public PipelineTests() => _breaker = new CircuitBreaker("payments", new CircuitBreakerOptions
    {
        MinimumThroughput = 2,
        FailureRatio = 0.5,
        BreakDuration = TimeSpan.FromSeconds(30),
    }.ClassifyResult<int>(v => v < 0 ? CallOutcome.Failure : CallOutcome.Success), _time);

    public void Dispose() => _breaker.Dispose();

    [Fact]
    public async Task Exceptions_through_the_pipeline_open_the_breaker_and_a_rejection_is_pollys_broken_circuit()
    {
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddSelfHealingCircuitBreaker(_breaker).Build();
        int calls = 0;

        for (int i = 0; i < 2; i++)
        {
            Func<Task> failing = async () => await pipeline.ExecuteAsync(_ => { calls++; throw new TimeoutException("slow"); });
            await failing.Should().ThrowAsync<TimeoutException>("the callback's own exception passes through");
        }

        _breaker.State.Should().Be(CircuitState.Open);
        Func<Task> rejected = async () => await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        PollyBroken broken = (await rejected.Should().ThrowAsync<PollyBroken>()).Which;
        broken.RetryAfter.Should().Be(TimeSpan.FromSeconds(30));
        broken.Message.Should().Contain("'payments' is open");
        calls.Should().Be(2, "an open circuit does not run the callback");
    }

    [Fact]
    public async Task A_typed_pipeline_counts_results_with_the_breakers_classifier_and_returns_them()
    {
        ResiliencePipeline<int> pipeline = new ResiliencePipelineBuilder<int>().AddSelfHealingCircuitBreaker(_breaker).Build();

        (await pipeline.ExecuteAsync(_ => ValueTask.FromResult(-1))).Should().Be(-1, "a result counted as failure is still the caller's");
        (await pipeline.ExecuteAsync(_ => ValueTask.FromResult(-2))).Should().Be(-2);

        _breaker.GetSnapshot().FailedCalls.Should().Be(2);
        _breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public async Task Pollys_retry_around_it_retries_failures_and_stops_on_the_open_circuit_as_configured()
    {
        int calls = 0;
        ResiliencePipeline<int> pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int>
            {
                MaxRetryAttempts = 5,
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder<int>().HandleResult(v => v < 0).Handle<InvalidOperationException>(),
            })
            .AddSelfHealingCircuitBreaker(_breaker)
            .Build();

        Func<Task> run = async () => await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(-1); });

        await run.Should().ThrowAsync<PollyBroken>("the retry does not handle a broken circuit, so the open circuit ends the retries");
        calls.Should().Be(2, "two failures opened the circuit; the third attempt was rejected without running");
    }

    [Fact]
    public async Task A_cancellation_by_the_caller_is_not_counted_and_an_isolated_breaker_is_pollys_isolated_circuit()
    {
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddSelfHealingCircuitBreaker(_breaker).Build();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        Func<Task> cancelled = async () => await pipeline.ExecuteAsync(ct => { ct.ThrowIfCancellationRequested(); return ValueTask.CompletedTask; }, cancel.Token);
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
        _breaker.GetSnapshot().TotalCalls.Should().Be(0);

        _breaker.Isolate();
        Func<Task> isolated = async () => await pipeline.ExecuteAsync(_ => ValueTask.CompletedTask);
        (await isolated.Should().ThrowAsync<PollyIsolated>()).Which.Message.Should().Contain("'payments' is isolated");
    }

    [Fact]
    public async Task An_asynchronous_callback_is_counted_when_it_ends()
    {
        ResiliencePipeline<int> pipeline = new ResiliencePipelineBuilder<int>().AddSelfHealingCircuitBreaker(_breaker).Build();
        var answer = new TaskCompletionSource<int>();

        ValueTask<int> pending = pipeline.ExecuteAsync(async _ => await answer.Task);
        _breaker.GetSnapshot().TotalCalls.Should().Be(0);
        answer.SetException(new InvalidOperationException("late"));

        Func<Task> result = async () => await pending;
        await result.Should().ThrowAsync<InvalidOperationException>().WithMessage("late");
        _breaker.GetSnapshot().FailedCalls.Should().Be(1);
    }

    [Fact]
    public void A_missing_breaker_is_refused()
    {
        Action add = () => new ResiliencePipelineBuilder().AddSelfHealingCircuitBreaker(null!);
        add.Should().Throw<ArgumentNullException>().WithParameterName("breaker");
    }
}
