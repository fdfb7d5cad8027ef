using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>The per-call timeout, on the breaker's fake clock.</summary>
public sealed class CallTimeoutTests
{
    [Fact]
    public async Task A_call_past_the_timeout_is_cancelled_counted_as_a_timeout_and_answered_on_time()
    {
        using var h = new BreakerHarness(o => o.Timeout = TimeSpan.FromMilliseconds(500));
        CancellationToken seen = default;
        ValueTask<CircuitBreakerResult<int>> pending = h.Breaker.ExecuteAsync(async ct =>
        {
            seen = ct;
            await Task.Delay(TimeSpan.FromSeconds(2), h.Time, ct);
            return 1;
        });

        h.Time.Advance(TimeSpan.FromMilliseconds(499));
        pending.IsCompleted.Should().BeFalse();
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        CircuitBreakerResult<int> result = await pending;

        result.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        result.Outcome.Should().Be(CallOutcome.Timeout);
        result.Exception.Should().BeOfType<CircuitTimeoutException>().Which.Should().Match<CircuitTimeoutException>(e => e.CircuitName == "test" && e.Timeout == TimeSpan.FromMilliseconds(500));
        seen.IsCancellationRequested.Should().BeTrue("the operation's token is cancelled");
        h.Breaker.GetSnapshot().FailedCalls.Should().Be(1);
    }

    [Fact]
    public async Task A_caller_cancellation_during_the_synchronous_start_still_reaches_the_operation()
    {
        using var h = new BreakerHarness(o => o.Timeout = TimeSpan.FromSeconds(30));
        using var caller = new CancellationTokenSource();
        CancellationToken seen = default;
        ValueTask<CircuitBreakerResult<int>> pending = h.Breaker.ExecuteAsync(ct =>
        {
            seen = ct;
            caller.Cancel(); // before the operation has gone asynchronous, so before the breaker follows the caller
            var running = new TaskCompletionSource<int>();
            ct.Register(() => running.TrySetCanceled(ct));
            return new ValueTask<int>(running.Task);
        }, caller.Token);

        CircuitBreakerResult<int> result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        seen.IsCancellationRequested.Should().BeTrue("the caller's cancellation is forwarded as soon as the call runs on");
        result.Outcome.Should().Be(CallOutcome.Ignored, "the caller cancelled; no time passed on the breaker's clock");
    }

    [Fact]
    public async Task An_operation_that_ignores_its_token_still_answers_the_caller_on_time()
    {
        using var h = new BreakerHarness(o => o.Timeout = TimeSpan.FromMilliseconds(500));
        var never = new TaskCompletionSource<int>();
        ValueTask<int> pending = h.Breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(never.Task));
        h.Time.Advance(TimeSpan.FromMilliseconds(500));

        Func<Task> call = async () => await pending;
        await call.Should().ThrowAsync<CircuitTimeoutException>().WithMessage("The call through circuit 'test' did not complete within its timeout of 00:00:00.5000000; its token was cancelled.");
        never.SetException(new InvalidOperationException("late"));
    }

    [Fact]
    public async Task Fast_calls_caller_cancellation_and_fallbacks_behave_as_without_a_timeout()
    {
        using var h = new BreakerHarness(o => o.Timeout = TimeSpan.FromSeconds(1));
        h.Succeed(7).Value.Should().Be(7);

        using var cancel = new CancellationTokenSource();
        ValueTask<CircuitBreakerResult<int>> cancelled = h.Breaker.ExecuteAsync(async ct => { await Task.Delay(TimeSpan.FromSeconds(5), h.Time, ct); return 1; }, cancel.Token);
        await cancel.CancelAsync();
        (await cancelled).Outcome.Should().Be(CallOutcome.Ignored, "the caller's own cancellation is not a timeout");

        ValueTask<int> answered = h.Breaker.ExecuteWithFallbackAsync(async ct => { await Task.Delay(TimeSpan.FromSeconds(5), h.Time, ct); return 1; }, Fallback.FromValue(-1));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await answered).Should().Be(-1);
    }

    [Fact]
    public async Task A_two_second_dependency_behind_a_500_ms_timeout_opens_the_circuit_within_a_second_at_32_callers()
    {
        using var h = new BreakerHarness(o => { o.Timeout = TimeSpan.FromMilliseconds(500); o.MinimumThroughput = 10; o.SamplingDuration = TimeSpan.FromSeconds(30); });
        var calls = new List<ValueTask<CircuitBreakerResult<int>>>();
        for (int caller = 0; caller < 32; caller++)
        {
            calls.Add(h.Breaker.ExecuteAsync(async ct => { await Task.Delay(TimeSpan.FromSeconds(2), h.Time, ct); return 1; }));
        }

        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        foreach (ValueTask<CircuitBreakerResult<int>> call in calls)
        {
            (await call).Outcome.Should().Be(CallOutcome.Timeout);
        }

        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void A_bad_timeout_is_refused()
    {
        Action create = () => _ = new CircuitBreaker("timeouts", new CircuitBreakerOptions { Timeout = TimeSpan.Zero });
        create.Should().Throw<ArgumentException>().WithMessage("*SelfHealing:CircuitBreakers:timeouts:Timeout is 00:00:00; allowed: 00:00:00.0010000 to 1.00:00:00.*");
    }

    [Fact]
    public async Task On_the_system_clock_a_reused_timeout_starts_afresh_and_never_hands_a_cancelled_token_to_the_next_call()
    {
        using var breaker = new CircuitBreaker("system-clock", new CircuitBreakerOptions { Timeout = TimeSpan.FromMilliseconds(50), MinimumThroughput = 100 });
        var cancelledAtTheEnd = new List<bool>();

        for (int i = 0; i < 3; i++)
        {
            CancellationToken token = default;
            (await breaker.ExecuteAsync(ct => { token = ct; return new ValueTask<int>(i); })).IsSuccess.Should().BeTrue();
            cancelledAtTheEnd.Add(token.IsCancellationRequested);
        }

        // The operation waits for its token only: it ends when the timeout (50 ms of real time) cancels it.
        CircuitBreakerResult<int> timedOut = await breaker.ExecuteAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; });
        using var caller = new CancellationTokenSource();
        ValueTask<CircuitBreakerResult<int>> waiting = breaker.ExecuteAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; }, caller.Token);
        await caller.CancelAsync();
        CircuitBreakerResult<int> cancelled = await waiting;
        CircuitBreakerResult<int> after = await breaker.ExecuteAsync(ct => new ValueTask<int>(ct.IsCancellationRequested ? -1 : 1));

        cancelledAtTheEnd.Should().Equal([false, false, false], "a call that ended in time leaves its token uncancelled");
        (timedOut.Outcome, timedOut.Exception).Should().Match<(CallOutcome Outcome, Exception? Exception)>(r => r.Outcome == CallOutcome.Timeout && r.Exception is CircuitTimeoutException);
        cancelled.Outcome.Should().Be(CallOutcome.Ignored, "the caller's cancellation reaches the operation through the shared token and is not a timeout");
        after.Value.Should().Be(1, "the next call gets a token that is not cancelled");
    }
}
