using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>Operations that return <see cref="Task"/> or <see cref="Task{TResult}"/>, as most .NET APIs do, go through every call shape.</summary>
public sealed class TaskOperationTests
{
    [Fact]
    public async Task Task_returning_operations_run_and_their_failures_are_counted()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        var pending = new TaskCompletionSource<string>();

        ValueTask<CircuitBreakerResult<string>> call = h.Breaker.ExecuteAsync(ct => pending.Task);
        call.IsCompleted.Should().BeFalse("the breaker awaits the task");
        pending.SetResult("ok");
        (await call).Value.Should().Be("ok");

        CircuitBreakerResult<int> failed = await h.Breaker.ExecuteAsync(static (s, ct) => Task.FromException<int>(new TimeoutException(s)), "slow");
        (failed.Outcome, failed.Exception?.Message).Should().Be((CallOutcome.Timeout, "slow"));
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 2 && s.FailedCalls == 1);
    }

    [Fact]
    public async Task Throwing_and_fallback_calls_take_task_returning_operations()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        (await h.Breaker.ExecuteOrThrowAsync(ct => Task.FromResult(5))).Should().Be(5);
        (await h.Breaker.ExecuteOrThrowAsync(static (s, ct) => Task.FromResult(s * 2), 21)).Should().Be(42);

        int ran = 0;
        await h.Breaker.ExecuteOrThrowAsync(ct => { ran++; return Task.CompletedTask; });
        await h.Breaker.ExecuteOrThrowAsync(static (counter, ct) => { counter.Add(1); return Task.CompletedTask; }, new List<int>());
        ran.Should().Be(1);

        Func<Task> failing = async () => await h.Breaker.ExecuteOrThrowAsync(ct => Task.FromException(new InvalidOperationException("down")));
        (await failing.Should().ThrowAsync<InvalidOperationException>()).WithMessage("down");

        (await h.Breaker.ExecuteWithFallbackAsync(ct => Task.FromException<string>(new InvalidOperationException()), Fallback.FromValue("cached")))
            .Should().Be("cached");
        (await h.Breaker.ExecuteWithFallbackAsync(static (s, ct) => Task.FromResult(s), "live", Fallback.FromValue("cached")))
            .Should().Be("live");
        h.Breaker.GetSnapshot().FailedCalls.Should().Be(2);
    }
}
