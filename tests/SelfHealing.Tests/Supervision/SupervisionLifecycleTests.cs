using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Supervision;

namespace SelfHealing.Tests.Supervision;

/// <summary>Restart policies, backoff, state across restarts, pauses on open circuits and stopping.</summary>
public sealed class SupervisionLifecycleTests
{
    [Fact]
    public async Task A_permanent_worker_that_returns_is_restarted_a_transient_one_is_not()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("permanent", h.Worker("permanent"))
            .AddWorker("transient", h.Worker("transient"), w => w.Restart(RestartPolicy.Transient)));
        await h.StartAsync();
        await h.ReturnAsync("permanent");
        h.State("permanent").Should().Be(WorkerState.Running);
        h.Starts("permanent").Should().Be(2);

        await h.ReturnAsync("transient");
        h.State("transient").Should().Be(WorkerState.Stopped);
        h.Tree.GetStatus("transient")!.Reason.Should().Be("finished: it returned");
        h.Starts("transient").Should().Be(1);
    }

    [Fact]
    public async Task A_transient_worker_that_fails_is_restarted_a_temporary_one_is_not()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("transient", h.Worker("transient"), w => w.Restart(RestartPolicy.Transient))
            .AddWorker("temporary", h.Worker("temporary"), w => w.Restart(RestartPolicy.Temporary)));
        await h.StartAsync();
        await h.FailAsync("transient");
        h.State("transient").Should().Be(WorkerState.Running);

        await h.FailAsync("temporary");
        h.State("temporary").Should().Be(WorkerState.Failed);
        h.Tree.GetStatus("temporary")!.Reason.Should().Be("failed: InvalidOperationException: temporary broke; a temporary worker is not restarted");
        h.State("root").Should().Be(WorkerState.Running);
    }

    [Fact]
    public async Task Backoff_doubles_per_restart_within_the_window_and_nothing_starts_before_it_elapses()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .RestartIntensity(5, TimeSpan.FromMinutes(1))
            .Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), jitter: 0)
            .AddWorker("a", h.Worker("a")));
        await h.StartAsync();
        foreach (int wait in new[] { 100, 200, 300, 300 })
        {
            await h.FailAsync("a");
            h.State("a").Should().Be(WorkerState.Restarting);
            h.Time.Advance(TimeSpan.FromMilliseconds(wait - 1));
            await h.SettleAsync();
            h.State("a").Should().Be(WorkerState.Restarting, $"the backoff is {wait} ms");
            await h.AdvanceUntilAsync(TimeSpan.FromMilliseconds(1), "a", WorkerState.Running);
        }
    }

    [Fact]
    public async Task Jitter_spreads_restarts_within_its_bounds_and_repeats_with_a_seed()
    {
        static async Task<List<string>> Reasons(int seed)
        {
            await using var h = new SupervisionHarness((s, h) => s
                .RestartIntensity(1000, TimeSpan.FromMilliseconds(1))
                .Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), jitter: 0.2)
                .Seed(seed)
                .AddWorker("a", h.Worker("a")));
            await h.StartAsync();
            var reasons = new List<string>();
            for (int i = 0; i < 20; i++)
            {
                await h.FailAsync("a");
                reasons.Add(h.Tree.GetStatus("a")!.Reason);
                await h.AdvanceUntilAsync(TimeSpan.FromSeconds(1.2), "a", WorkerState.Running);
            }

            return reasons;
        }

        List<string> first = await Reasons(7);
        (await Reasons(7)).Should().Equal(first);
        (await Reasons(8)).Should().NotEqual(first);
        double[] delays = [.. first.Select(Seconds)];
        delays.Should().OnlyContain(d => d >= 0.8 && d <= 1.2);
        delays.Distinct().Count().Should().BeGreaterThan(10);
    }

    [Fact]
    public async Task Workers_that_fail_together_restart_spread_out_not_all_at_once()
    {
        string[] names = [.. Enumerable.Range(0, 8).Select(i => $"w{i}")];
        await using var h = new SupervisionHarness((s, h) =>
        {
            s.RestartIntensity(20, TimeSpan.FromMinutes(1)).Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), jitter: 0.2).Seed(3);
            foreach (string name in names)
            {
                s.AddWorker(name, h.Worker(name));
            }
        });
        await h.StartAsync();
        foreach (string name in names)
        {
            await h.FailAsync(name); // a shared dependency blinked: every worker fails at the same instant
        }

        double[] delays = [.. names.Select(n => Seconds(h.Tree.GetStatus(n)!.Reason))];
        delays.Should().OnlyHaveUniqueItems();
        delays.Should().BeInAscendingOrder("each restart within the window doubles the wait");
        delays[^1].Should().BeGreaterThan(delays[0] * 50);

        string[] due = [.. names.Where((_, i) => delays[i] <= 0.5)];
        due.Length.Should().BeInRange(1, 3);
        Task[] running = [.. due.Select(n => h.WhenAsync(s => s.Name == n && s.State == WorkerState.Running))];
        h.Time.Advance(TimeSpan.FromSeconds(0.5));
        await Task.WhenAll(running);
        await h.SettleAsync();
        names.Except(due).Should().OnlyContain(n => h.State(n) == WorkerState.Restarting, "the others wait longer");
    }

    [Fact]
    public async Task Each_start_is_handed_the_last_acknowledged_checkpoint()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("consumer", h.Worker("consumer")));
        await h.StartAsync();
        h.LastContext("consumer")!.HasState.Should().BeFalse();
        await h.LastContext("consumer")!.CheckpointAsync(new Offset(41));
        await h.LastContext("consumer")!.CheckpointAsync(new Offset(42));
        await h.FailAsync("consumer");

        h.LastContext("consumer")!.GetState<Offset>().Should().Be(new Offset(42));
        (await h.Store.GetAsync(WorkerContext.StateCollection, "consumer")).Should().Be("""{"Value":42}""");
        await h.LastContext("consumer")!.ClearStateAsync();
        await h.FailAsync("consumer");
        h.LastContext("consumer")!.HasState.Should().BeFalse();
    }

    [Fact]
    public async Task A_worker_pauses_while_its_circuit_is_open_without_counting_against_the_intensity()
    {
        var time = new FakeTimeProvider();
        var hub = new EventHub();
        var breakers = new CircuitBreakerRegistry((_, o) => { o.MinimumThroughput = 2; o.BreakDuration = TimeSpan.FromSeconds(5); }, time, hub);
        CircuitBreaker inventory = breakers.GetOrCreate("inventory");
        await using var h = new SupervisionHarness((s, h) => s
            .RestartIntensity(0, TimeSpan.FromMinutes(1))
            .AddWorker("sync", h.Worker("sync"), w => w.PauseWhileOpen("inventory"))
            .AddWorker("other", h.Worker("other")), breakers, time: time, hub: hub);
        await h.StartAsync();

        Task paused = h.WhenAsync(s => s.Name == "sync" && s.State == WorkerState.Paused);
        inventory.Isolate();
        await paused;
        await h.SettleAsync();
        h.Log.Should().EndWith("stop:sync");
        h.Tree.GetStatus("sync")!.Reason.Should().Be("paused while circuit 'inventory' is open");

        Task resumed = h.WhenAsync(s => s.Name == "sync" && s.State == WorkerState.Running);
        inventory.Reset();
        await resumed;
        await h.SettleAsync();
        h.Starts("sync").Should().Be(2);

        // The worker's own calls open the circuit: paused, not restarted, not counted (the intensity is 0).
        Task pausedAgain = h.WhenAsync(s => s.Name == "sync" && s.State == WorkerState.Paused);
        for (int i = 0; i < 2; i++)
        {
            await inventory.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
        }

        inventory.State.Should().Be(CircuitState.Open);
        await pausedAgain;
        await h.SettleAsync();
        h.State("root").Should().Be(WorkerState.Running, "a pause is not a restart");

        // The break elapses: half-open lets calls through, so the worker starts again.
        await h.AdvanceUntilAsync(TimeSpan.FromSeconds(5), "sync", WorkerState.Running);
        inventory.State.Should().Be(CircuitState.HalfOpen);
        h.Starts("other").Should().Be(1);
    }

    [Fact]
    public async Task A_worker_that_ignores_its_token_is_left_behind_after_the_stop_timeout()
    {
        var release = new TaskCompletionSource();
        await using var h = new SupervisionHarness((s, h) => s
            .StopTimeout(TimeSpan.FromSeconds(2))
            .AddWorker("stubborn", (_, _) => release.Task)
            .AddWorker("polite", h.Worker("polite")));
        await h.StartAsync();
        Task stopping = h.WhenAsync(s => s.Name == "stubborn" && s.State == WorkerState.Stopping);
        Task stop = h.Tree.StopAsync(CancellationToken.None);
        await stopping;
        stop.IsCompleted.Should().BeFalse();
        h.Log.Should().Equal("start:polite", "stop:polite");

        h.Time.Advance(TimeSpan.FromSeconds(2));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        h.Logger.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 9007);
        h.State("stubborn").Should().Be(WorkerState.Stopped);
        release.SetResult();
    }

    [Fact]
    public async Task A_worker_that_throws_before_its_first_await_is_a_failure_like_any_other()
    {
        int calls = 0;
        await using var h = new SupervisionHarness((s, h) => s
            .RestartIntensity(2, TimeSpan.FromSeconds(10))
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("eager", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("bad configuration");
            }));
        Task gaveUp = h.WhenAsync(s => s.Name == "root" && s.State == WorkerState.Failed);
        await h.StartAsync();
        await gaveUp;
        calls.Should().Be(3);
        h.Tree.GetStatus("eager")!.LastFailure!.Message.Should().Be("bad configuration");
    }

    [Fact]
    public async Task A_background_service_is_supervised_and_restarted_when_its_execute_task_fails()
    {
        Flaky.Runs = 0;
        Flaky.Second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new SupervisionHarness((s, h) => s
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddBackgroundService<Flaky>("flaky"));
        Task second = h.WhenAsync(s => s.Name == "flaky" && s.State == WorkerState.Running && s.Restarts == 1);
        await h.StartAsync();
        await second;
        await Flaky.Second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Volatile.Read(ref Flaky.Runs).Should().Be(2);
        h.Tree.GetStatus("flaky")!.LastFailure!.Message.Should().Be("first run fails");
    }

    [Fact]
    public async Task Restarting_an_unknown_name_or_a_stopped_tree_is_refused_with_the_reason()
    {
        await using var h = new SupervisionHarness((s, h) => s.AddWorker("a", h.Worker("a")));
        Func<Task> early = () => h.Tree.RestartAsync("a");
        await early.Should().ThrowAsync<InvalidOperationException>().WithMessage("The supervision tree is not running, so 'a' cannot be restarted.");
        await h.StartAsync();
        Func<Task> unknown = () => h.Tree.RestartAsync("b");
        await unknown.Should().ThrowAsync<ArgumentException>().WithMessage("No supervisor or worker is named 'b'; known: root, a.*");
    }

    // "... in 953.3 ms" or "... in 1.12 s"
    private static double Seconds(string reason)
    {
        string[] words = reason[(reason.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..].Split(' ');
        double value = double.Parse(words[0], System.Globalization.CultureInfo.InvariantCulture);
        return words[1] == "ms" ? value / 1000 : value;
    }

    private sealed record Offset(long Value);

    private sealed class Flaky : BackgroundService
    {
        public static int Runs;

        public static TaskCompletionSource Second = new();

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            if (Interlocked.Increment(ref Runs) == 1)
            {
                throw new InvalidOperationException("first run fails");
            }

            Second.TrySetResult();

            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }
}
