using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

public sealed class FallbackTests
{
    [Fact]
    public async Task Value_fallback_answers_failures_and_rejections_but_not_successes()
    {
        using var h = new BreakerHarness();
        Fallback<int> fallback = Fallback.FromValue(-1);
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(4), fallback)).Should().Be(4);
        (await h.Breaker.ExecuteWithFallbackAsync<int>(_ => throw new InvalidOperationException(), fallback)).Should().Be(-1);
        h.OpenByFailures();
        int runs = 0;
        (await h.Breaker.ExecuteWithFallbackAsync(_ => { runs++; return new ValueTask<int>(4); }, fallback)).Should().Be(-1);
        runs.Should().Be(0);
    }

    [Fact]
    public async Task Delegate_fallback_is_told_why_it_is_called()
    {
        using var h = new BreakerHarness();
        var calls = new List<FallbackArguments>();
        Fallback<string> fallback = Fallback.FromDelegate<string>((args, _) => { calls.Add(args); return new ValueTask<string>("cached"); });
        (await h.Breaker.ExecuteWithFallbackAsync<string>(_ => throw new TimeoutException(), fallback)).Should().Be("cached");
        h.Breaker.Isolate();
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<string>("live"), fallback)).Should().Be("cached");
        calls.Should().HaveCount(2);
        calls[0].Status.Should().Be(CircuitBreakerResultStatus.Failure);
        calls[0].Exception.Should().BeOfType<TimeoutException>();
        calls[1].Status.Should().Be(CircuitBreakerResultStatus.Rejected);
        calls[1].RejectedState.Should().Be(CircuitState.Isolated);
        calls[1].CircuitName.Should().Be("test");
    }

    [Fact]
    public async Task Last_good_value_serves_the_latest_success_within_its_max_age()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        LastGoodValueFallback<int> fallback = Fallback.LastGoodValue(otherwise: Fallback.FromValue(0), maxAge: TimeSpan.FromMinutes(1));
        (await h.Breaker.ExecuteWithFallbackAsync<int>(_ => throw new InvalidOperationException(), fallback)).Should().Be(0, "nothing cached yet");
        fallback.HasValue.Should().BeFalse();
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(41), fallback)).Should().Be(41);
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(42), fallback)).Should().Be(42);
        (await h.Breaker.ExecuteWithFallbackAsync<int>(_ => throw new InvalidOperationException(), fallback)).Should().Be(42);
        fallback.TryGetCachedValue(out int cached).Should().BeTrue();
        cached.Should().Be(42);
        h.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1));
        (await h.Breaker.ExecuteWithFallbackAsync<int>(_ => throw new InvalidOperationException(), fallback)).Should().Be(0, "the cached value is too old");
    }

    [Fact]
    public async Task Empty_last_good_value_without_otherwise_surfaces_the_failure()
    {
        using var h = new BreakerHarness();
        LastGoodValueFallback<int> fallback = Fallback.LastGoodValue<int>();
        Func<Task> failing = async () => await h.Breaker.ExecuteWithFallbackAsync<int>(_ => throw new FormatException("bad"), fallback);
        await failing.Should().ThrowAsync<FormatException>();
        h.Breaker.Isolate();
        Func<Task> rejected = async () => await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(1), fallback);
        await rejected.Should().ThrowAsync<IsolatedCircuitException>();
    }

    [Fact]
    public async Task Caller_cancellation_is_not_answered_by_the_fallback()
    {
        using var h = new BreakerHarness();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Func<Task> cancelled = async () => await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(1), Fallback.FromValue(-1), cts.Token);
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Fallback_answers_values_classified_as_failures()
    {
        using var h = new BreakerHarness(o => o.ClassifyResult<int>(v => v < 0 ? CallOutcome.Failure : CallOutcome.Success));
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(-5), Fallback.FromValue(0))).Should().Be(0);
        (await h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(-5), Fallback.LastGoodValue<int>())).Should().Be(-5, "with nothing to answer, the value stands");
    }

    [Fact]
    public void Last_good_value_rejects_a_non_positive_max_age()
    {
        Action act = () => Fallback.LastGoodValue<int>(maxAge: TimeSpan.Zero);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxAge");
    }
}
