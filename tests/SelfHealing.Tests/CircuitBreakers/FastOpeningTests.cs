using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>
/// A total outage opens the circuit within a bounded number of calls however much healthy traffic the window holds,
/// while a steady or bursty low error rate never opens it. Default options (30 s window, ratio 0.5), fake clock.
/// </summary>
public sealed class FastOpeningTests
{
    private static readonly CircuitBreakerOptions Defaults = new();

    [Theory]
    [InlineData(10, 600)]
    [InlineData(1_000, 600)]
    [InlineData(20_000, 60)]
    public void A_total_outage_opens_within_a_second_whatever_the_traffic_before_it(int callsPerSecond, int healthySeconds)
    {
        using var h = new BreakerHarness(o => Copy(Defaults, o));
        TimeSpan spacing = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / callsPerSecond);
        for (long i = 0; i < (long)callsPerSecond * healthySeconds; i++)
        {
            h.Succeed();
            h.Time.Advance(spacing);
        }

        DateTimeOffset outage = h.Time.GetUtcNow();
        int failing = 0;
        while (h.Breaker.State == CircuitState.Closed)
        {
            h.Fail();
            failing++;
            h.Time.Advance(spacing);
        }

        failing.Should().Be(Defaults.ConsecutiveFailuresToOpen);
        (h.Time.GetUtcNow() - outage).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        h.DrainTransitions().Should().ContainSingle(t => t.State == CircuitState.Open).Which.Cause.Should().Be(CircuitTransitionCause.ConsecutiveFailures);
    }

    [Fact]
    public void Without_the_run_rule_a_window_full_of_healthy_calls_delays_the_opening()
    {
        using var h = new BreakerHarness(o => { Copy(Defaults, o); o.ConsecutiveFailuresToOpen = 0; });
        for (int i = 0; i < 30_000; i++)
        {
            h.Succeed();
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        int failing = 0;
        while (h.Breaker.State == CircuitState.Closed)
        {
            h.Fail();
            failing++;
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        failing.Should().BeGreaterThan(10_000, "the window's ratio alone needs the healthy calls diluted first");
    }

    [Theory]
    [InlineData(0.05, 1)]
    [InlineData(0.10, 5)]
    public void A_steady_or_bursty_low_error_rate_never_opens_it(double errorRate, int longestBurst)
    {
        // Errors arrive in bursts of 1 to longestBurst in a row, each burst followed by at least one success, errorRate of
        // all calls on average; 500 calls a second. (Two bursts back to back that make ten failures in a row do open it:
        // that is the run rule's trade-off, documented.)
        var random = new Random(31);
        using var h = new BreakerHarness(o => Copy(Defaults, o));
        double burstStart = errorRate / ((1 + longestBurst) / 2.0);
        int burstLeft = 0;
        bool lastFailed = false;
        for (int i = 0; i < 300_000; i++)
        {
            if (burstLeft == 0 && !lastFailed && random.NextDouble() < burstStart)
            {
                burstLeft = random.Next(1, longestBurst + 1);
            }

            lastFailed = burstLeft > 0;
            if (burstLeft > 0)
            {
                burstLeft--;
                h.Fail();
            }
            else
            {
                h.Succeed();
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(2));
        }

        List<CircuitStateChanged> transitions = h.DrainTransitions();
        transitions.Should().BeEmpty(transitions.Count > 0 ? transitions[0].Reason : string.Empty);
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void A_success_breaks_the_run()
    {
        using var h = new BreakerHarness(o => { Copy(Defaults, o); o.MinimumThroughput = 1_000; });
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < Defaults.ConsecutiveFailuresToOpen - 1; i++)
            {
                h.Fail();
            }

            h.Succeed();
        }

        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void The_run_length_is_validated()
    {
        Action create = () => _ = new CircuitBreaker("runs", new CircuitBreakerOptions { ConsecutiveFailuresToOpen = -1 });
        create.Should().Throw<ArgumentException>().WithMessage("*SelfHealing:CircuitBreakers:runs:ConsecutiveFailuresToOpen is -1; allowed: 0 to 1,000,000.*");
    }

    private static void Copy(CircuitBreakerOptions from, CircuitBreakerOptions to)
    {
        to.FailureRatio = from.FailureRatio;
        to.MinimumThroughput = from.MinimumThroughput;
        to.SamplingDuration = from.SamplingDuration;
        to.BucketCount = from.BucketCount;
        to.BreakDuration = from.BreakDuration;
        to.ConsecutiveFailuresToOpen = from.ConsecutiveFailuresToOpen;
    }
}
