using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>A hung probe does not hold the circuit half-open: after <see cref="CircuitBreakerOptions.HalfOpenMaxWait"/> it counts as failed.</summary>
public sealed class HalfOpenMaxWaitTests
{
    [Fact]
    public async Task A_probe_that_hangs_past_the_wait_counts_as_failed_and_the_circuit_opens_again()
    {
        using var h = new BreakerHarness(o => o.HalfOpenMaxWait = TimeSpan.FromSeconds(10));
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);
        h.DrainTransitions();

        (ValueTask<CircuitBreakerResult<int>> hung, TaskCompletionSource<int> completion) = h.Start();
        h.Succeed().Status.Should().Be(CircuitBreakerResultStatus.Rejected, "the one probe is taken");
        h.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);
        h.Time.Advance(TimeSpan.FromTicks(1));

        h.Breaker.State.Should().Be(CircuitState.Open);
        CircuitStateChanged reopened = h.DrainTransitions().Should().ContainSingle().Subject;
        reopened.Cause.Should().Be(CircuitTransitionCause.ProbesTimedOut);
        reopened.Reason.Should().Be("1 of 1 half-open probes failed or did not complete in time");

        completion.SetResult(1);
        (await hung).Status.Should().Be(CircuitBreakerResultStatus.Success, "the caller still gets its late answer");
        h.Breaker.State.Should().Be(CircuitState.Open, "a probe of an ended half-open period changes nothing");

        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Succeed().Status.Should().Be(CircuitBreakerResultStatus.Success);
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void Without_traffic_the_half_open_circuit_waits_and_a_quick_probe_is_not_cut_short()
    {
        using var h = new BreakerHarness(o => { o.HalfOpenMaxWait = TimeSpan.FromSeconds(10); o.HalfOpenProbes = 2; });
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromMinutes(10));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen, "no probe ran, so none hangs");

        h.Succeed();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen, "the first probe answered; the second has not come yet");
        h.Succeed();
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void Null_waits_forever_and_bad_waits_are_refused()
    {
        using var h = new BreakerHarness(o => o.HalfOpenMaxWait = null);
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        _ = h.Start();
        h.Time.Advance(TimeSpan.FromDays(2));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);

        Action create = () => _ = new CircuitBreaker("waits", new CircuitBreakerOptions { HalfOpenMaxWait = TimeSpan.Zero });
        create.Should().Throw<ArgumentException>().WithMessage("*SelfHealing:CircuitBreakers:waits:HalfOpenMaxWait is 00:00:00; allowed: 00:00:00.0010000 to 1.00:00:00.*");
    }
}
