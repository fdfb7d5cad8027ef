using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

public sealed class AdaptiveThresholdTests
{
    private static BreakerHarness Create(double floor = 0.1, int minimumBucketThroughput = 10) => new(o =>
    {
        o.WindowKind = SlidingWindowKind.CountBased;
        o.WindowSize = 10;
        o.MinimumThroughput = 10;
        o.FailureRatio = 0.3;
        o.AdaptiveThreshold = new AdaptiveThresholdOptions
        {
            Enabled = true,
            Margin = 0.2,
            Floor = floor,
            Ceiling = 0.9,
            Smoothing = 0.5,
            WarmupBuckets = 2,
            MinimumBucketThroughput = minimumBucketThroughput,
        };
    });

    /// <summary>Runs whole windows of 10 calls in which the calls at <paramref name="failing"/> fail.</summary>
    private static void Windows(BreakerHarness h, int count, params int[] failing)
    {
        for (int w = 0; w < count; w++)
        {
            for (int i = 0; i < 10; i++)
            {
                if (failing.Contains(i))
                {
                    h.Fail();
                }
                else
                {
                    h.Succeed();
                }
            }
        }
    }

    [Fact]
    public void Learns_the_normal_failure_ratio_and_tolerates_it_where_a_static_threshold_would_open()
    {
        using BreakerHarness h = Create();
        h.Breaker.FailureThreshold.Should().Be(0.3, "during warm-up the static ratio applies");
        Windows(h, 2, 0, 5); // 20% failures, the dependency's normal
        h.Breaker.FailureThreshold.Should().BeApproximately(0.4, 1e-9);

        Windows(h, 3, 0, 3, 6); // 30%: a static threshold of 0.3 would open here
        h.Breaker.State.Should().Be(CircuitState.Closed);

        Windows(h, 1, 0, 1, 2, 3, 4, 5, 6);
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Never_goes_below_the_floor_for_a_clean_dependency()
    {
        using BreakerHarness h = Create(floor: 0.35);
        Windows(h, 4);
        h.Breaker.FailureThreshold.Should().Be(0.35);
        Windows(h, 1, 0, 3, 6);
        h.Breaker.State.Should().Be(CircuitState.Closed, "30% is below the floor of 35%");
        Windows(h, 1, 0, 2, 4, 6);
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Does_not_learn_from_buckets_with_too_few_calls()
    {
        using BreakerHarness h = Create(minimumBucketThroughput: 11);
        Windows(h, 5, 0);
        h.Breaker.FailureThreshold.Should().Be(0.3, "no window held 11 calls, so warm-up never ended");
    }

    [Fact]
    public void Time_based_window_learns_from_completed_buckets()
    {
        using var h = new BreakerHarness(o =>
        {
            o.SamplingDuration = TimeSpan.FromSeconds(2);
            o.BucketCount = 2;
            o.MinimumThroughput = 1000;
            o.AdaptiveThreshold = new AdaptiveThresholdOptions { Enabled = true, WarmupBuckets = 1, Margin = 0.3, Floor = 0.1, MinimumBucketThroughput = 4 };
        });
        for (int second = 0; second < 3; second++)
        {
            h.Fail();
            h.Succeed();
            h.Succeed();
            h.Succeed();
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        // Second 2 reused the bucket of second 0, which completed with 25% failures.
        h.Breaker.FailureThreshold.Should().BeApproximately(0.55, 1e-9);
    }

    [Fact]
    public void Turning_it_off_by_update_restores_the_static_ratio()
    {
        using BreakerHarness h = Create();
        Windows(h, 2, 0, 5);
        h.Breaker.FailureThreshold.Should().BeApproximately(0.4, 1e-9);
        h.Breaker.UpdateOptions(new CircuitBreakerOptions { FailureRatio = 0.6 });
        h.Breaker.FailureThreshold.Should().Be(0.6);
    }
}
