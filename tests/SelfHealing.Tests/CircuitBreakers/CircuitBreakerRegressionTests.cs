using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Telemetry;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>Defects found by differential testing against Polly and a model of Resilience4j, each pinned by a test.</summary>
public sealed class CircuitBreakerRegressionTests
{
    [Fact]
    public async Task A_minimum_throughput_larger_than_a_count_based_window_is_refused()
    {
        var options = new CircuitBreakerOptions { WindowKind = SlidingWindowKind.CountBased, WindowSize = 20, MinimumThroughput = 50 };
        Action create = () => _ = new CircuitBreaker("small-window", options);

        create.Should().Throw<ArgumentException>()
            .WithMessage("*SelfHealing:CircuitBreakers:small-window:MinimumThroughput is 50; allowed: at most WindowSize (20) with a count-based window.*");
        new CircuitBreakerOptionsValidator().Validate("small-window", options).Failed.Should().BeTrue();

        options.MinimumThroughput = 20;
        using var breaker = new CircuitBreaker("small-window", options);
        for (int i = 0; i < 20; i++)
        {
            _ = await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
        }

        breaker.State.Should().Be(CircuitState.Open, "a full window of failures opens it");
    }

    [Theory]
    [InlineData(300)]
    [InlineData(15_300)]
    [InlineData(100)]
    [InlineData(1_700)]
    [InlineData(86_399_999)]
    public async Task RetryAfter_is_exactly_the_break_duration_when_the_circuit_has_just_opened(int milliseconds)
    {
        // A clock counting nanoseconds, as Stopwatch does on Linux: conversions through double seconds lose a tick.
        var fake = new FakeTimeProvider();
        var time = new NanosecondClock(fake);
        TimeSpan breakDuration = TimeSpan.FromMilliseconds(milliseconds);
        using var breaker = new CircuitBreaker("retry-after", new CircuitBreakerOptions { MinimumThroughput = 2, BreakDuration = breakDuration }, time);
        while (breaker.State == CircuitState.Closed)
        {
            _ = await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
        }

        Func<Task> call = async () => await breaker.ExecuteOrThrowAsync(_ => new ValueTask<int>(1));
        BrokenCircuitException rejected = (await call.Should().ThrowAsync<BrokenCircuitException>()).Which;
        rejected.RetryAfter.Should().Be(breakDuration);

        fake.Advance(breakDuration - TimeSpan.FromTicks(1));
        breaker.State.Should().Be(CircuitState.Open, "one tick before the break ends the circuit is still open");
        rejected = (await call.Should().ThrowAsync<BrokenCircuitException>()).Which;
        rejected.RetryAfter.Should().Be(TimeSpan.FromTicks(1));
        fake.Advance(TimeSpan.FromTicks(1));
        breaker.State.Should().Be(CircuitState.HalfOpen);
    }

    [Fact]
    public async Task RetryAfter_is_the_exact_time_left_for_any_break_duration_and_any_moment()
    {
        var random = new Random(23);
        for (int round = 0; round < 500; round++)
        {
            var fake = new FakeTimeProvider();
            TimeProvider time = round % 2 == 0 ? fake : new NanosecondClock(fake);
            TimeSpan breakDuration = TimeSpan.FromTicks(random.NextInt64(TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerDay));
            using var breaker = new CircuitBreaker("retry-after", new CircuitBreakerOptions { MinimumThroughput = 2, BreakDuration = breakDuration }, time);
            while (breaker.State == CircuitState.Closed)
            {
                _ = await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
            }

            TimeSpan waited = TimeSpan.FromTicks(random.NextInt64(0, breakDuration.Ticks));
            fake.Advance(waited);
            CircuitBreakerResult<int> rejected = await breaker.ExecuteAsync(_ => new ValueTask<int>(1));
            rejected.Status.Should().Be(CircuitBreakerResultStatus.Rejected);
            breaker.CreateRejectionException(CircuitState.Open).RetryAfter.Should().Be(breakDuration - waited, $"round {round}: break {breakDuration.Ticks} ticks, waited {waited.Ticks}");
        }
    }

    [Fact]
    public async Task A_call_whose_token_is_already_cancelled_is_counted_as_ignored()
    {
        string name = "precancelled-" + Guid.NewGuid().ToString("N");
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SelfHealingMeter.Name && instrument.Name == SelfHealingMeter.CircuitCalls)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? breaker = null;
            string? outcome = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                breaker = tag.Key == SelfHealingMeter.CircuitNameTag ? tag.Value as string : breaker;
                outcome = tag.Key == SelfHealingMeter.OutcomeTag ? tag.Value as string : outcome;
            }

            if (breaker == name)
            {
                lock (outcomes)
                {
                    outcomes.Add(outcome!);
                }
            }
        });
        listener.Start();

        using var breaker = new CircuitBreaker(name, new CircuitBreakerOptions());
        CircuitBreakerResult<int> result = await breaker.ExecuteAsync(_ => new ValueTask<int>(1), new CancellationToken(canceled: true));

        result.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        result.Outcome.Should().Be(CallOutcome.Ignored);
        listener.RecordObservableInstruments();
        outcomes.Should().Equal("ignored");
    }

    [Fact]
    public async Task No_probe_is_admitted_before_the_break_has_elapsed_even_when_timers_fire_early()
    {
        var random = new Random(17);
        for (int round = 0; round < 50; round++)
        {
            var fake = new FakeTimeProvider();
            TimeSpan early = TimeSpan.FromMilliseconds(random.Next(1, 5));
            var time = new EarlyTimerProvider(fake, early);
            TimeSpan breakDuration = TimeSpan.FromMilliseconds(random.Next(5, 200));
            using var breaker = new CircuitBreaker("early", new CircuitBreakerOptions { MinimumThroughput = 2, BreakDuration = breakDuration }, time);
            while (breaker.State == CircuitState.Closed)
            {
                _ = await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
            }

            long opened = fake.GetTimestamp();
            for (int step = 0; step < 400 && breaker.State == CircuitState.Open; step++)
            {
                fake.Advance(TimeSpan.FromMilliseconds(1));
                CircuitBreakerResult<int> probe = await breaker.ExecuteAsync(_ => new ValueTask<int>(1));
                if (probe.Status != CircuitBreakerResultStatus.Rejected)
                {
                    fake.GetElapsedTime(opened).Should().BeGreaterThanOrEqualTo(breakDuration, $"round {round}: a probe ran before the break of {breakDuration} had elapsed (timers {early} early)");
                }
            }

            breaker.State.Should().Be(CircuitState.Closed, "the probe ran once the break had elapsed, and succeeded");
        }
    }

    /// <summary>A clock whose timers fire early, as the system clock's may: by the given time, at most half the wait.</summary>
    private sealed class EarlyTimerProvider(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new EarlyTimer(inner.CreateTimer(callback, state, Early(dueTime), period), early);

        private static TimeSpan Shift(TimeSpan due, TimeSpan by) =>
            due == Timeout.InfiniteTimeSpan ? due : due - TimeSpan.FromTicks(Math.Min(by.Ticks, due.Ticks / 2));

        private TimeSpan Early(TimeSpan due) => Shift(due, early);

        private sealed class EarlyTimer(ITimer timer, TimeSpan early) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(Shift(dueTime, early), period);

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }

    /// <summary>A fake clock whose timestamps count nanoseconds.</summary>
    private sealed class NanosecondClock(FakeTimeProvider inner) : TimeProvider
    {
        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => inner.GetTimestamp() * (1_000_000_000 / inner.TimestampFrequency);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
