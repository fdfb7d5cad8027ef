using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

public sealed class CircuitBreakerOptionsTests
{
    public static TheoryData<string, Action<CircuitBreakerOptions>, string> InvalidOptions => new()
    {
        { "ratio zero", o => o.FailureRatio = 0, "SelfHealing:CircuitBreakers:payments:FailureRatio is 0; allowed: greater than 0 and at most 1." },
        { "ratio NaN", o => o.FailureRatio = double.NaN, "SelfHealing:CircuitBreakers:payments:FailureRatio is NaN; allowed: greater than 0 and at most 1." },
        { "ratio above one", o => o.FailureRatio = 1.5, "SelfHealing:CircuitBreakers:payments:FailureRatio is 1.5; allowed: greater than 0 and at most 1." },
        { "throughput", o => o.MinimumThroughput = 0, "SelfHealing:CircuitBreakers:payments:MinimumThroughput is 0; allowed: 1 to 1,000,000." },
        { "buckets", o => o.BucketCount = 1001, "SelfHealing:CircuitBreakers:payments:BucketCount is 1001; allowed: 1 to 1,000." },
        { "sampling", o => o.SamplingDuration = TimeSpan.FromMilliseconds(5), "SelfHealing:CircuitBreakers:payments:SamplingDuration is 00:00:00.0050000; allowed: 00:00:00.0100000 to 1.00:00:00." },
        { "bucket width", o => { o.SamplingDuration = TimeSpan.FromMilliseconds(50); o.BucketCount = 100; }, "SelfHealing:CircuitBreakers:payments:SamplingDuration is 00:00:00.0500000 with BucketCount 100; allowed: at least 1 ms per bucket." },
        { "window size", o => o.WindowSize = 0, "SelfHealing:CircuitBreakers:payments:WindowSize is 0; allowed: 1 to 1,000,000." },
        { "window kind", o => o.WindowKind = (SlidingWindowKind)7, "SelfHealing:CircuitBreakers:payments:WindowKind is 7; allowed: TimeBased, CountBased." },
        { "slow threshold", o => o.SlowCallDurationThreshold = TimeSpan.Zero, "SelfHealing:CircuitBreakers:payments:SlowCallDurationThreshold is 00:00:00; allowed: 00:00:00.0010000 to 1.00:00:00." },
        { "slow ratio", o => o.SlowCallRatio = -0.1, "SelfHealing:CircuitBreakers:payments:SlowCallRatio is -0.1; allowed: greater than 0 and at most 1." },
        { "break", o => o.BreakDuration = TimeSpan.FromDays(2), "SelfHealing:CircuitBreakers:payments:BreakDuration is 2.00:00:00; allowed: 00:00:00.0010000 to 1.00:00:00." },
        { "probes", o => o.HalfOpenProbes = 0, "SelfHealing:CircuitBreakers:payments:HalfOpenProbes is 0; allowed: 1 to 1,000." },
        { "health when open", o => o.HealthWhenOpen = (HealthStatus)7, "SelfHealing:CircuitBreakers:payments:HealthWhenOpen is 7; allowed: Unhealthy, Degraded, Healthy." },
        { "count window under the minimum", o => { o.WindowKind = SlidingWindowKind.CountBased; o.WindowSize = 5; }, "SelfHealing:CircuitBreakers:payments:MinimumThroughput is 10; allowed: at most WindowSize (5) with a count-based window." },
        { "probe ratio", o => o.HalfOpenSuccessRatio = 0, "SelfHealing:CircuitBreakers:payments:HalfOpenSuccessRatio is 0; allowed: greater than 0 and at most 1." },
        { "adaptive null", o => o.AdaptiveThreshold = null!, "SelfHealing:CircuitBreakers:payments:AdaptiveThreshold is null; allowed: an AdaptiveThresholdOptions instance." },
        { "margin", o => o.AdaptiveThreshold.Margin = 0, "SelfHealing:CircuitBreakers:payments:AdaptiveThreshold:Margin is 0; allowed: greater than 0 and at most 1." },
        { "ceiling", o => { o.AdaptiveThreshold.Floor = 0.5; o.AdaptiveThreshold.Ceiling = 0.4; }, "SelfHealing:CircuitBreakers:payments:AdaptiveThreshold:Ceiling is 0.4; allowed: at least Floor (0.5)." },
        { "warmup", o => o.AdaptiveThreshold.WarmupBuckets = 0, "SelfHealing:CircuitBreakers:payments:AdaptiveThreshold:WarmupBuckets is 0; allowed: 1 to 10,000." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Each_invalid_option_is_named_with_its_value_and_range(string caseName, Action<CircuitBreakerOptions> spoil, string expected)
    {
        var options = new CircuitBreakerOptions();
        spoil(options);
        ValidateOptionsResult result = new CircuitBreakerOptionsValidator().Validate("payments", options);
        result.Failed.Should().BeTrue();
        result.Failures.Should().Contain(expected, caseName);

        Action create = () => _ = new CircuitBreaker("payments", options);
        create.Should().Throw<ArgumentException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new CircuitBreakerOptions();
        new CircuitBreakerOptionsValidator().Validate("x", options).Succeeded.Should().BeTrue();
        options.FailureRatio.Should().Be(0.5);
        options.MinimumThroughput.Should().Be(10);
        options.SamplingDuration.Should().Be(TimeSpan.FromSeconds(30));
        options.BreakDuration.Should().Be(TimeSpan.FromSeconds(5));
        options.HalfOpenProbes.Should().Be(1);
        options.SlowCallDurationThreshold.Should().BeNull();
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new CircuitBreakerOptions { FailureRatio = 2, HalfOpenProbes = 0, BucketCount = 0 };
        new CircuitBreakerOptionsValidator().Validate("p", options).Failures.Should().HaveCount(3);
    }

    [Fact]
    public async Task Later_changes_to_the_options_object_do_not_reach_the_breaker()
    {
        var options = new CircuitBreakerOptions { MinimumThroughput = 1 };
        using var breaker = new CircuitBreaker("copy", options);
        options.MinimumThroughput = 1000;
        options.AdaptiveThreshold.Enabled = true;
        await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Update_keeps_state_and_counts()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        for (int i = 0; i < 6; i++)
        {
            h.Fail();
        }

        h.Succeed();
        h.Succeed();
        h.Breaker.UpdateOptions(new CircuitBreakerOptions { MinimumThroughput = 100, FailureRatio = 0.9, SamplingDuration = TimeSpan.FromSeconds(10) });
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 8 && s.FailedCalls == 6 && s.FailureThreshold == 0.9);

        h.Breaker.Isolate();
        h.Breaker.UpdateOptions(new CircuitBreakerOptions());
        h.Breaker.State.Should().Be(CircuitState.Isolated);
    }

    [Fact]
    public void Update_that_changes_the_window_shape_carries_the_counts_over()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 100);
        for (int i = 0; i < 3; i++)
        {
            h.Fail();
        }

        for (int i = 0; i < 5; i++)
        {
            h.Succeed();
        }

        h.Breaker.UpdateOptions(new CircuitBreakerOptions { MinimumThroughput = 50, WindowKind = SlidingWindowKind.CountBased, WindowSize = 50 });
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 8 && s.FailedCalls == 3);

        h.Breaker.UpdateOptions(new CircuitBreakerOptions { MinimumThroughput = 100, SamplingDuration = TimeSpan.FromMinutes(1), BucketCount = 6 });
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 8 && s.FailedCalls == 3);

        h.Breaker.UpdateOptions(new CircuitBreakerOptions { MinimumThroughput = 4, FailureRatio = 0.4, SamplingDuration = TimeSpan.FromMinutes(1), BucketCount = 6 });
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open, "4 of 9 failures reach the new threshold of 40%");
    }

    [Fact]
    public void Invalid_update_is_refused_and_the_old_options_stay()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 2);
        Action update = () => h.Breaker.UpdateOptions(new CircuitBreakerOptions { FailureRatio = 7 });
        update.Should().Throw<ArgumentException>().WithMessage("*FailureRatio is 7*");
        h.Fail();
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public async Task Classify_result_for_the_same_type_replaces_the_earlier_classifier()
    {
        var options = new CircuitBreakerOptions { MinimumThroughput = 1 };
        options.ClassifyResult<int>(_ => CallOutcome.Failure).ClassifyResult<int>(_ => CallOutcome.Success);
        using var breaker = new CircuitBreaker("replace", options);
        (await breaker.ExecuteAsync(_ => new ValueTask<int>(1))).IsSuccess.Should().BeTrue();
    }
}
