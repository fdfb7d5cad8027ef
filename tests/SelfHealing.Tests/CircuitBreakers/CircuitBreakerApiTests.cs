using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

public sealed class CircuitBreakerApiTests
{
    [Fact]
    public async Task State_passing_overload_hands_the_state_to_the_operation()
    {
        using var h = new BreakerHarness();
        CircuitBreakerResult<int> result = await h.Breaker.ExecuteAsync(static (s, _) => new ValueTask<int>(s.Length), "four");
        result.Value.Should().Be(4);
    }

    [Fact]
    public async Task Asynchronous_operations_are_awaited_and_their_exceptions_classified()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        CircuitBreakerResult<int> ok = await h.Breaker.ExecuteAsync(async ct => { await Task.Yield(); return 3; });
        ok.Value.Should().Be(3);
        CircuitBreakerResult<int> failed = await h.Breaker.ExecuteAsync<int>(async ct => { await Task.Yield(); throw new TimeoutException(); });
        failed.Outcome.Should().Be(CallOutcome.Timeout);
        failed.Exception.Should().BeOfType<TimeoutException>();
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 2 && s.FailedCalls == 1);
    }

    [Fact]
    public async Task Throwing_api_returns_values_rethrows_failures_and_throws_on_rejection()
    {
        using var h = new BreakerHarness();
        (await h.Breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(5))).Should().Be(5);

        Func<Task> failing = async () => await h.Breaker.ExecuteOrThrowAsync<int>(_ => throw new ArgumentException("original"));
        (await failing.Should().ThrowAsync<ArgumentException>()).WithMessage("original");

        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Func<Task> rejected = async () => await h.Breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(5));
        BrokenCircuitException broken = (await rejected.Should().ThrowAsync<BrokenCircuitException>()).Which;
        broken.CircuitName.Should().Be("test");
        broken.State.Should().Be(CircuitState.Open);
        broken.RetryAfter.Should().Be(TimeSpan.FromSeconds(3));

        h.Breaker.Isolate();
        Func<Task> isolated = async () => await h.Breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(5));
        await isolated.Should().ThrowAsync<IsolatedCircuitException>().WithMessage("*'test' is isolated*");
    }

    [Fact]
    public void Throwing_api_returns_a_faulted_task_rather_than_throwing_synchronously()
    {
        using var h = new BreakerHarness();
        h.Breaker.Isolate();
        ValueTask<int> pending = h.Breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(1));
        pending.IsFaulted.Should().BeTrue();
    }

    [Fact]
    public async Task Operations_without_a_value_complete_rethrow_and_are_rejected_like_the_others()
    {
        using var h = new BreakerHarness(o => { o.MinimumThroughput = 2; o.ClassifyResult<bool>(_ => CallOutcome.Failure); });
        int sent = 0;
        await h.Breaker.ExecuteOrThrowAsync(ct => { sent++; return ValueTask.CompletedTask; });
        await h.Breaker.ExecuteOrThrowAsync(static (counter, ct) => { counter.Add(1); return ValueTask.CompletedTask; }, new List<int>());
        ValueTask synchronous = h.Breaker.ExecuteOrThrowAsync(_ => ValueTask.CompletedTask);
        synchronous.IsCompletedSuccessfully.Should().BeTrue("a synchronous operation completes synchronously");
        sent.Should().Be(1);
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 3 && s.FailedCalls == 0, "a classifier of bool results does not apply to operations without a value");

        Func<Task> failing = async () => await h.Breaker.ExecuteOrThrowAsync(async ct => { await Task.Yield(); throw new IOException("disk"); });
        await failing.Should().ThrowAsync<IOException>().WithMessage("disk");
        async Task FailOnce()
        {
            try
            {
                await h.Breaker.ExecuteOrThrowAsync(_ => throw new IOException());
            }
            catch (IOException)
            {
                // counted by the breaker; nothing else to do here
            }
        }

        await FailOnce();
        h.Breaker.State.Should().Be(CircuitState.Closed, "2 of 5 calls failed");
        await FailOnce();
        h.Breaker.State.Should().Be(CircuitState.Open, "3 of 6 calls failed");
        ValueTask rejected = h.Breaker.ExecuteOrThrowAsync(_ => { sent++; return ValueTask.CompletedTask; });
        rejected.IsFaulted.Should().BeTrue();
        Func<Task> awaitRejected = async () => await rejected;
        await awaitRejected.Should().ThrowAsync<BrokenCircuitException>();
        sent.Should().Be(1, "a rejected operation does not run");
    }

    [Fact]
    public void Result_accessors_describe_each_status()
    {
        using var h = new BreakerHarness();
        CircuitBreakerResult<int> success = h.Succeed(9);
        success.TryGetValue(out int v).Should().BeTrue();
        v.Should().Be(9);
        success.GetValueOrDefault(-1).Should().Be(9);
        success.ToString().Should().Be("Success(9)");

        CircuitBreakerResult<int> failure = h.Fail();
        failure.TryGetValue(out _).Should().BeFalse();
        failure.GetValueOrDefault(-1).Should().Be(-1);
        Action value = () => _ = failure.Value;
        value.Should().Throw<InvalidOperationException>().WithMessage("*Failure*");
        Action rethrow = () => failure.GetValueOrThrow();
        rethrow.Should().Throw<InvalidOperationException>().WithMessage("boom");

        h.Breaker.Isolate();
        CircuitBreakerResult<int> rejected = h.Succeed();
        rejected.ToString().Should().Be("Rejected(Isolated)");
        rejected.Outcome.Should().Be(CallOutcome.Ignored);
    }

    [Fact]
    public void Null_arguments_are_rejected_with_the_parameter_name()
    {
        using var h = new BreakerHarness();
        Action a = () => h.Breaker.ExecuteAsync<int>(null!);
        a.Should().Throw<ArgumentNullException>().WithParameterName("operation");
        Action b = () => h.Breaker.ExecuteWithFallbackAsync(_ => new ValueTask<int>(1), null!);
        b.Should().Throw<ArgumentNullException>().WithParameterName("fallback");
        Action c = () => h.Breaker.UpdateOptions(null!);
        c.Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("has space")]
    [InlineData("a:b")]
    public void Invalid_names_are_rejected_with_the_reason(string name)
    {
        Action create = () => _ = new CircuitBreaker(name, new CircuitBreakerOptions());
        create.Should().Throw<ArgumentException>().WithParameterName(nameof(name));
    }
}
