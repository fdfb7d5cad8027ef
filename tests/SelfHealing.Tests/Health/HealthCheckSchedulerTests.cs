using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Health;

namespace SelfHealing.Tests.Health;

public sealed class HealthCheckSchedulerTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<HealthCheckOutcome> _outcomes = Channel.CreateUnbounded<HealthCheckOutcome>();
    private readonly HealthCheckRunner _runner;
    private readonly HealthCheckScheduler _scheduler;
    private readonly Dictionary<string, int> _starts = [];

    public HealthCheckSchedulerTests()
    {
        _runner = new HealthCheckRunner(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), _time);
        _scheduler = new HealthCheckScheduler(_time);
    }

    private void Schedule(HealthCheckRegistration registration, TimeSpan interval, HealthCheckScheduler? scheduler = null) =>
        (scheduler ?? _scheduler).Schedule(registration.Name, async ct => await _outcomes.Writer.WriteAsync(await _runner.RunAsync(registration, ct), ct), interval);

    public ValueTask DisposeAsync() => _scheduler.DisposeAsync();

    private int Starts(string name)
    {
        lock (_starts)
        {
            return _starts.GetValueOrDefault(name);
        }
    }

    // The factory runs synchronously when a run starts, so counting its calls tells, without waiting, which runs began.
    private HealthCheckRegistration Registration(string name, Func<CancellationToken, Task<HealthCheckResult>> check) =>
        new(name, _ =>
        {
            lock (_starts)
            {
                _starts[name] = _starts.GetValueOrDefault(name) + 1;
            }

            return new DelegateCheck(check);
        }, HealthStatus.Unhealthy, null);

    private static Task<HealthCheckResult> Healthy(CancellationToken _) => Task.FromResult(HealthCheckResult.Healthy());

    // The next outcome, once its run has also scheduled the following one (so the test may move the clock).
    private async Task<HealthCheckOutcome> NextAsync()
    {
        HealthCheckOutcome outcome = await _outcomes.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        await _scheduler.WhenIdle(outcome.Name).WaitAsync(Wait);
        return outcome;
    }

    [Fact]
    public async Task A_check_runs_at_once_then_one_interval_after_each_run_ends()
    {
        Schedule(Registration("db", Healthy), TimeSpan.FromSeconds(5));
        (await NextAsync()).Name.Should().Be("db");
        Starts("db").Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Starts("db").Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Starts("db").Should().Be(2);
        (await NextAsync()).Result.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_slow_check_delays_only_itself_and_never_overlaps_its_own_runs()
    {
        var slow = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Schedule(Registration("slow", _ => slow.Task), TimeSpan.FromSeconds(1));
        Schedule(Registration("fast", Healthy), TimeSpan.FromSeconds(1));
        (await NextAsync()).Name.Should().Be("fast");
        for (int i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            (await NextAsync()).Name.Should().Be("fast");
        }

        Starts("fast").Should().Be(4);
        Starts("slow").Should().Be(1, "a run still going is not started again");
        slow.SetResult(HealthCheckResult.Degraded("late"));
        HealthCheckOutcome late = await NextAsync();
        (late.Name, late.Result.Status).Should().Be(("slow", HealthStatus.Degraded));
    }

    [Fact]
    public async Task The_interval_can_change_and_a_run_can_be_asked_for_now()
    {
        Schedule(Registration("db", Healthy), TimeSpan.FromSeconds(10));
        await NextAsync();
        _scheduler.ChangeInterval("db", TimeSpan.FromSeconds(2)).Should().BeTrue();
        _scheduler.ChangeInterval("nothing", TimeSpan.FromSeconds(2)).Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(2));
        Starts("db").Should().Be(2);
        await NextAsync();

        await _scheduler.RunNowAsync("db").WaitAsync(Wait);
        Starts("db").Should().Be(3);
        await NextAsync();
        Action twice = () => Schedule(Registration("db", Healthy), TimeSpan.FromSeconds(1));
        twice.Should().Throw<InvalidOperationException>().WithMessage("*'db' is already scheduled*");
    }

    [Fact]
    public async Task Disposing_cancels_running_checks_and_stops_the_timers()
    {
        Schedule(
            Registration("hang", async ct => { await Task.Delay(Timeout.Infinite, ct); return HealthCheckResult.Healthy(); }),
            TimeSpan.FromSeconds(1));
        Starts("hang").Should().Be(1);
        await _scheduler.DisposeAsync().AsTask().WaitAsync(Wait);
        _time.Advance(TimeSpan.FromSeconds(10));
        Starts("hang").Should().Be(1);
        _outcomes.Reader.TryRead(out _).Should().BeFalse("a cancelled run reports nothing");
    }

    [Fact]
    public async Task Checks_sharing_an_interval_share_one_timer_and_run_on_its_beats()
    {
        var time = new CountingTime(_time);
        await using var scheduler = new HealthCheckScheduler(time);
        foreach (string name in new[] { "a", "b", "c" })
        {
            Schedule(Registration(name, Healthy), TimeSpan.FromSeconds(1), scheduler);
        }

        Schedule(Registration("slow", Healthy), TimeSpan.FromSeconds(3), scheduler);
        time.Timers.Should().Be(2, "one timer per interval, not one per check");
        await DrainAsync(4, scheduler);
        _time.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(3, scheduler);
        (Starts("a"), Starts("b"), Starts("c"), Starts("slow")).Should().Be((2, 2, 2, 1));

        scheduler.ChangeInterval("c", TimeSpan.FromSeconds(3)).Should().BeTrue();
        time.Timers.Should().Be(2, "c joins the beat of its new interval");
        _time.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(2, scheduler); // a and b
        _time.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(4, scheduler);
        (Starts("a"), Starts("c"), Starts("slow")).Should().Be((4, 3, 2), "at 3 s the 3-second beat runs c with slow");

        scheduler.ChangeInterval("slow", TimeSpan.FromSeconds(5)).Should().BeTrue();
        scheduler.ChangeInterval("c", TimeSpan.FromSeconds(5)).Should().BeTrue();
        time.Timers.Should().Be(3, "the 3-second beat, left empty, stopped; the 5-second one is new");
    }

    [Fact]
    public async Task A_beat_skips_a_check_that_began_less_than_half_an_interval_before()
    {
        Schedule(Registration("early", Healthy), TimeSpan.FromSeconds(1));
        await DrainAsync(1);
        _time.Advance(TimeSpan.FromSeconds(0.8));
        Schedule(Registration("late", Healthy), TimeSpan.FromSeconds(1)); // runs at once, 0.2 s before the beat
        await DrainAsync(1);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        await DrainAsync(1);
        (Starts("early"), Starts("late")).Should().Be((2, 1), "the beat at 1 s came 0.2 s after late's run");
        _time.Advance(TimeSpan.FromSeconds(0.7));
        await _scheduler.RunNowAsync("early").WaitAsync(Wait); // asked for 0.3 s before the next beat
        await DrainAsync(1);
        _time.Advance(TimeSpan.FromSeconds(0.3));
        await DrainAsync(1);
        (Starts("early"), Starts("late")).Should().Be((3, 2), "the beat at 2 s skipped early, run 0.3 s before, and ran late");
        _time.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(2);
        (Starts("early"), Starts("late")).Should().Be((4, 3));
    }

    // Reads n outcomes and waits until their checks are idle, so the clock may move.
    private async Task DrainAsync(int n, HealthCheckScheduler? scheduler = null)
    {
        for (int i = 0; i < n; i++)
        {
            HealthCheckOutcome outcome = await _outcomes.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            await (scheduler ?? _scheduler).WhenIdle(outcome.Name).WaitAsync(Wait);
        }

        _outcomes.Reader.TryPeek(out HealthCheckOutcome? extra).Should().BeFalse($"no run beyond those expected ({extra?.Name} ran)");
    }

    private sealed class CountingTime(TimeProvider inner) : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }
}
