using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

public sealed class CircuitBreakerTransitionTests
{
    [Fact]
    public void Stays_closed_below_minimum_throughput_even_when_every_call_fails()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 5);
        for (int i = 0; i < 4; i++)
        {
            h.Fail().IsFailure.Should().BeTrue();
        }

        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Breaker.FailureRate.Should().Be(1.0);
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Opens_when_failure_ratio_reaches_threshold_and_not_before()
    {
        using var h = new BreakerHarness(o => { o.MinimumThroughput = 4; o.FailureRatio = 0.5; });
        h.Succeed();
        h.Succeed();
        h.Succeed();
        h.Fail(); // 1 of 4
        h.Fail(); // 2 of 5 = 40%
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Fail(); // 3 of 6 = 50%
        h.Breaker.State.Should().Be(CircuitState.Open);

        CircuitStateChanged opened = h.DrainTransitions().Should().ContainSingle().Subject;
        opened.PreviousState.Should().Be(CircuitState.Closed);
        opened.State.Should().Be(CircuitState.Open);
        opened.FailureRatio.Should().Be(0.5);
        opened.Cause.Should().Be(CircuitTransitionCause.FailureRatio);
        opened.Details.Should().Be(new CircuitTransitionDetails(Calls: 6, SlowCallRatio: 0, Threshold: 0.5));
        opened.Reason.Should().Be("failure ratio 50.0 % of 6 calls reached the threshold 50.0 %");
        opened.BreakDuration.Should().Be(TimeSpan.FromSeconds(5));
        opened.Timestamp.Should().Be(h.Time.GetUtcNow());
        opened.Source.Should().Be("circuit-breaker:test");
        h.Breaker.LastTransitionTime.Should().Be(h.Time.GetUtcNow());
    }

    [Fact]
    public void Open_circuit_rejects_without_running_the_call()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        int runs = 0;
        CircuitBreakerResult<int> result = h.Run(_ => { runs++; return new ValueTask<int>(1); });
        runs.Should().Be(0);
        result.IsRejected.Should().BeTrue();
        result.RejectedState.Should().Be(CircuitState.Open);
        result.HasValue.Should().BeFalse();
        result.Exception.Should().BeNull();
    }

    [Fact]
    public void Break_elapses_on_the_clock_then_a_successful_probe_closes()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        h.Breaker.State.Should().Be(CircuitState.Open);
        h.Time.Advance(TimeSpan.FromTicks(1));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);

        h.Succeed(7).Value.Should().Be(7);
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0, "closing starts a fresh window");
        h.DrainTransitions().Select(t => t.Cause).Should().Equal(CircuitTransitionCause.FailureRatio, CircuitTransitionCause.BreakElapsed, CircuitTransitionCause.ProbesSucceeded);
    }

    [Fact]
    public void Failed_probe_reopens_for_another_break()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);
    }

    [Fact]
    public async Task Half_open_admits_only_the_configured_number_of_probes()
    {
        using var h = new BreakerHarness(o => o.HalfOpenProbes = 3);
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var probes = Enumerable.Range(0, 3).Select(_ => h.Start()).ToList();
        probes.Should().OnlyContain(p => !p.Pending.IsCompleted);
        h.Succeed().IsRejected.Should().BeTrue();
        h.Succeed().RejectedState.Should().Be(CircuitState.HalfOpen);
        foreach (var probe in probes)
        {
            probe.Completion.SetResult(1);
        }

        foreach (var probe in probes)
        {
            (await probe.Pending).IsSuccess.Should().BeTrue();
        }

        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task Success_ratio_below_one_closes_once_enough_probes_succeed()
    {
        using var h = new BreakerHarness(o => { o.HalfOpenProbes = 4; o.HalfOpenSuccessRatio = 0.5; });
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var probes = Enumerable.Range(0, 4).Select(_ => h.Start()).ToList();
        probes[0].Completion.SetException(new InvalidOperationException());
        (await probes[0].Pending).IsFailure.Should().BeTrue();
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);
        probes[1].Completion.SetResult(1);
        await probes[1].Pending;
        h.Breaker.State.Should().Be(CircuitState.HalfOpen, "1 of the 2 needed successes so far");
        probes[2].Completion.SetResult(1);
        await probes[2].Pending;
        h.Breaker.State.Should().Be(CircuitState.Closed);

        // The last probe finishes after the close: its failure belongs to the ended half-open period.
        probes[3].Completion.SetException(new InvalidOperationException());
        (await probes[3].Pending).IsFailure.Should().BeTrue();
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0);
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task Reopens_as_soon_as_the_success_ratio_can_no_longer_be_reached()
    {
        using var h = new BreakerHarness(o => { o.HalfOpenProbes = 4; o.HalfOpenSuccessRatio = 0.75; });
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var probes = Enumerable.Range(0, 4).Select(_ => h.Start()).ToList();
        probes[0].Completion.SetException(new InvalidOperationException());
        await probes[0].Pending;
        h.Breaker.State.Should().Be(CircuitState.HalfOpen, "3 of 4 can still succeed");
        probes[1].Completion.SetException(new InvalidOperationException());
        await probes[1].Pending;
        h.Breaker.State.Should().Be(CircuitState.Open);
        CircuitStateChanged reopened = h.DrainTransitions().Last();
        reopened.Cause.Should().Be(CircuitTransitionCause.ProbesFailed);
        reopened.Details.Should().Be(new CircuitTransitionDetails(ProbesSucceeded: 0, ProbesFailed: 2, ProbesRequired: 3, ProbeLimit: 4));
        reopened.Reason.Should().Be("2 of 2 half-open probes failed; 3 of 4 must succeed");
        probes[2].Completion.SetResult(1);
        probes[3].Completion.SetResult(1);
        await probes[2].Pending;
        await probes[3].Pending;
        h.Breaker.State.Should().Be(CircuitState.Open, "late probes do not decide a later state");
    }

    [Fact]
    public void Cancelled_probe_frees_its_slot()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();
        CircuitBreakerResult<int> cancelled = h.Run(ct => { cts.Cancel(); ct.ThrowIfCancellationRequested(); return new ValueTask<int>(0); }, cts.Token);
        cancelled.Outcome.Should().Be(CallOutcome.Ignored);
        cancelled.Exception.Should().BeOfType<OperationCanceledException>();
        h.Breaker.State.Should().Be(CircuitState.HalfOpen);
        h.Succeed().IsSuccess.Should().BeTrue("the cancelled probe gave its slot back");
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void Caller_cancellation_is_not_a_failure_and_a_cancelled_token_does_not_run_the_call()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int runs = 0;
        CircuitBreakerResult<int> result = h.Run(_ => { runs++; return new ValueTask<int>(1); }, cts.Token);
        runs.Should().Be(0);
        result.Outcome.Should().Be(CallOutcome.Ignored);
        result.Exception.Should().BeOfType<OperationCanceledException>();
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0);
    }

    [Fact]
    public void Timeouts_and_errors_are_told_apart_and_both_count_as_failures()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 10);
        h.Run(_ => throw new TimeoutException()).Outcome.Should().Be(CallOutcome.Timeout);
        h.Run(_ => throw new TaskCanceledException("HttpClient timeout")).Outcome.Should().Be(CallOutcome.Timeout);
        h.Fail().Outcome.Should().Be(CallOutcome.Failure);
        h.Breaker.GetSnapshot().FailedCalls.Should().Be(3);
    }

    [Fact]
    public void Exception_classifier_decides_what_counts()
    {
        using var h = new BreakerHarness(o =>
        {
            o.MinimumThroughput = 1;
            o.ClassifyException = ex => ex is KeyNotFoundException ? CallOutcome.Success : CallOutcome.Failure;
        });
        CircuitBreakerResult<int> notFound = h.Run(_ => throw new KeyNotFoundException());
        notFound.IsFailure.Should().BeTrue("the call still threw");
        notFound.Outcome.Should().Be(CallOutcome.Success);
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Result_classifier_counts_values_as_failures_and_keeps_the_value()
    {
        using var h = new BreakerHarness(o =>
        {
            o.MinimumThroughput = 2;
            o.ClassifyResult<int>(status => status >= 500 ? CallOutcome.Failure : CallOutcome.Success);
        });
        CircuitBreakerResult<int> ok = h.Succeed(200);
        ok.IsSuccess.Should().BeTrue();
        CircuitBreakerResult<int> error = h.Succeed(503);
        error.IsFailure.Should().BeTrue();
        error.HasValue.Should().BeTrue();
        error.Value.Should().Be(503);
        h.Breaker.State.Should().Be(CircuitState.Open);

        // Results of other types are not classified.
        using var other = new BreakerHarness(o => { o.MinimumThroughput = 1; o.ClassifyResult<string>(_ => CallOutcome.Failure); });
        other.Succeed(500).IsSuccess.Should().BeTrue();
    }

    [Fact]
    public async Task Slow_calls_open_the_circuit_when_their_ratio_reaches_the_threshold()
    {
        using var h = new BreakerHarness(o =>
        {
            o.MinimumThroughput = 2;
            o.SlowCallDurationThreshold = TimeSpan.FromSeconds(1);
            o.SlowCallRatio = 1.0;
        });
        var fast = h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        fast.Completion.SetResult(1);
        (await fast.Pending).IsSuccess.Should().BeTrue();

        var slow1 = h.Start();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        slow1.Completion.SetResult(1);
        (await slow1.Pending).IsSuccess.Should().BeTrue("a slow call still returns its value");
        h.Breaker.State.Should().Be(CircuitState.Closed, "1 of 2 calls is slow");
        h.Breaker.GetSnapshot().SlowCalls.Should().Be(1);

        using var allSlow = new BreakerHarness(o =>
        {
            o.MinimumThroughput = 2;
            o.SlowCallDurationThreshold = TimeSpan.FromSeconds(1);
            o.SlowCallRatio = 1.0;
        });
        for (int i = 0; i < 2; i++)
        {
            var call = allSlow.Start();
            allSlow.Time.Advance(TimeSpan.FromSeconds(2));
            call.Completion.SetResult(1);
            await call.Pending;
        }

        allSlow.Breaker.State.Should().Be(CircuitState.Open);
        allSlow.DrainTransitions().Single().Reason.Should().Contain("slow-call ratio");
    }

    [Fact]
    public async Task Slow_probe_counts_as_a_failed_probe()
    {
        using var h = new BreakerHarness(o => o.SlowCallDurationThreshold = TimeSpan.FromSeconds(1));
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var probe = h.Start();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        probe.Completion.SetResult(1);
        await probe.Pending;
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Old_buckets_leave_the_time_based_window()
    {
        using var h = new BreakerHarness(o => { o.MinimumThroughput = 4; o.SamplingDuration = TimeSpan.FromSeconds(10); o.BucketCount = 10; });
        h.Fail();
        h.Fail();
        h.Fail();
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(3);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0, "the failures are older than the sampling duration");
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Closed, "one failure in the window is below the minimum throughput");
    }

    [Fact]
    public void Count_based_window_keeps_the_last_n_calls()
    {
        using var h = new BreakerHarness(o => { o.WindowKind = SlidingWindowKind.CountBased; o.WindowSize = 4; o.MinimumThroughput = 4; o.FailureRatio = 0.75; });
        h.Fail();
        h.Fail();
        h.Succeed();
        h.Succeed();
        h.Breaker.GetSnapshot().FailedCalls.Should().Be(2);
        h.Succeed(); // pushes out the first failure
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 4 && s.FailedCalls == 1);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(4, "a count window does not age");
        h.Fail();
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Fail();
        h.Breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public void Break_duration_generator_backs_off_on_consecutive_openings_and_resets_after_closing()
    {
        var seen = new List<BreakDurationArguments>();
        using var h = new BreakerHarness(o =>
        {
            o.BreakDuration = TimeSpan.FromSeconds(1);
            Func<BreakDurationArguments, TimeSpan> backoff = BreakDurationBackoff.Exponential(TimeSpan.FromSeconds(5));
            o.BreakDurationGenerator = args => { seen.Add(args); return backoff(args); };
        });
        h.OpenByFailures();
        var durations = new List<TimeSpan?>();
        for (int i = 0; i < 4; i++)
        {
            durations.Add(h.DrainTransitions().Last(t => t.State == CircuitState.Open).BreakDuration);
            h.Time.Advance(durations[^1]!.Value);
            h.Breaker.State.Should().Be(CircuitState.HalfOpen);
            h.Fail();
        }

        durations.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));
        seen.Select(a => a.ConsecutiveOpenings).Should().Equal(1, 2, 3, 4, 5);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Succeed();
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.OpenByFailures();
        h.DrainTransitions().Last().BreakDuration.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Jittered_backoff_is_reproducible_with_a_seed_and_stays_within_its_spread()
    {
        Func<BreakDurationArguments, TimeSpan> a = BreakDurationBackoff.Exponential(TimeSpan.FromMinutes(1), jitter: 0.2, random: new Random(42));
        Func<BreakDurationArguments, TimeSpan> b = BreakDurationBackoff.Exponential(TimeSpan.FromMinutes(1), jitter: 0.2, random: new Random(42));
        var args = new BreakDurationArguments("x", 3, TimeSpan.FromSeconds(1), 1);
        var first = Enumerable.Range(0, 50).Select(_ => a(args)).ToList();
        var second = Enumerable.Range(0, 50).Select(_ => b(args)).ToList();
        first.Should().Equal(second);
        first.Should().OnlyContain(d => d >= TimeSpan.FromSeconds(3.2) && d <= TimeSpan.FromSeconds(4.8));
        first.Distinct().Should().HaveCountGreaterThan(1);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(2.0)]
    public void Generator_that_returns_a_bad_duration_or_throws_falls_back_to_the_configured_one(double seconds)
    {
        using var h = new BreakerHarness(o => o.BreakDurationGenerator = _ => seconds > 1 ? throw new InvalidOperationException() : TimeSpan.FromSeconds(seconds));
        h.OpenByFailures();
        h.DrainTransitions().Single().BreakDuration.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Isolate_rejects_until_reset_and_ignores_the_clock()
    {
        using var h = new BreakerHarness();
        h.Breaker.Isolate();
        h.Succeed().RejectedState.Should().Be(CircuitState.Isolated);
        h.Time.Advance(TimeSpan.FromDays(2));
        h.Breaker.State.Should().Be(CircuitState.Isolated);
        h.Breaker.Reset();
        h.Breaker.State.Should().Be(CircuitState.Closed);
        h.Succeed().IsSuccess.Should().BeTrue();
        h.DrainTransitions().Select(t => t.State).Should().Equal(CircuitState.Isolated, CircuitState.Closed);
    }

    [Fact]
    public void Isolating_an_open_circuit_cancels_its_break_timer()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        h.Breaker.Isolate();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        h.Breaker.State.Should().Be(CircuitState.Isolated);
    }

    [Fact]
    public void Disabled_admits_everything_and_records_but_never_opens()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 1);
        h.Breaker.Disable();
        for (int i = 0; i < 20; i++)
        {
            h.Fail().IsFailure.Should().BeTrue();
        }

        h.Breaker.State.Should().Be(CircuitState.Disabled);
        h.Breaker.GetSnapshot().FailedCalls.Should().Be(20);
        h.Breaker.Reset();
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0);
    }

    [Fact]
    public void Reset_while_closed_clears_the_window_without_an_event()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 10);
        h.Fail();
        h.Breaker.Reset();
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0);
        h.DrainTransitions().Should().BeEmpty();
    }

    [Fact]
    public async Task Outcome_of_a_call_admitted_before_a_transition_does_not_count_after_it()
    {
        using var h = new BreakerHarness(o => o.MinimumThroughput = 2);
        var slowFailure = h.Start();
        h.OpenByFailures();
        h.Breaker.Reset();
        slowFailure.Completion.SetException(new InvalidOperationException());
        (await slowFailure.Pending).IsFailure.Should().BeTrue();
        h.Breaker.GetSnapshot().TotalCalls.Should().Be(0);
    }

    [Fact]
    public void State_change_callback_sees_every_transition_and_its_exception_does_not_stop_them()
    {
        var seen = new List<(CircuitState From, CircuitState To)>();
        using var h = new BreakerHarness(o => o.OnStateChanged = c =>
        {
            seen.Add((c.PreviousState, c.State));
            throw new InvalidOperationException("callback bug");
        });
        h.OpenByFailures();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Succeed();
        seen.Should().Equal((CircuitState.Closed, CircuitState.Open), (CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed));
        h.Breaker.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public void Disposed_breaker_no_longer_schedules_half_open()
    {
        using var h = new BreakerHarness();
        h.OpenByFailures();
        h.Breaker.Dispose();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Breaker.State.Should().Be(CircuitState.Open);
    }
}
