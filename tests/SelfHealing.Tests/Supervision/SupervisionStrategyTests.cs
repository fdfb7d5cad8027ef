using SelfHealing.Supervision;

namespace SelfHealing.Tests.Supervision;

/// <summary>Which children each strategy restarts, in which order, and when the restart intensity escalates.</summary>
public sealed class SupervisionStrategyTests
{
    private static SupervisionHarness Three(SupervisionStrategy strategy, int maxRestarts = 3) => new((s, h) => s
        .Strategy(strategy)
        .RestartIntensity(maxRestarts, TimeSpan.FromSeconds(10))
        .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
        .AddWorker("a", h.Worker("a"))
        .AddWorker("b", h.Worker("b"))
        .AddWorker("c", h.Worker("c")));

    [Fact]
    public async Task Workers_start_in_declaration_order_and_stop_in_reverse_order()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.OneForOne);
        await h.StartAsync();
        h.Log.Should().Equal("start:a", "start:b", "start:c");
        h.Tree.Workers.Select(w => (w.Name, w.State)).Should().Equal(
            ("root", WorkerState.Running), ("a", WorkerState.Running), ("b", WorkerState.Running), ("c", WorkerState.Running));

        await h.Tree.StopAsync(CancellationToken.None);
        h.Log.Skip(3).Should().Equal("stop:c", "stop:b", "stop:a");
        h.Tree.Workers.Should().OnlyContain(w => w.State == WorkerState.Stopped);
    }

    [Fact]
    public async Task One_for_one_restarts_only_the_worker_that_failed()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.OneForOne);
        await h.StartAsync();
        await h.FailAsync("b");
        h.Log.Skip(3).Should().Equal("end:b", "start:b");
        h.Tree.GetStatus("b")!.Restarts.Should().Be(1);
        h.Tree.GetStatus("b")!.LastFailure!.Message.Should().Be("b broke");
        h.LastContext("b")!.Restarts.Should().Be(1);
        h.LastContext("b")!.LastFailure!.Message.Should().Be("b broke");
        h.Tree.GetStatus("a")!.Restarts.Should().Be(0);
    }

    [Fact]
    public async Task All_for_one_stops_the_others_in_reverse_order_and_restarts_all_in_order()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.AllForOne);
        await h.StartAsync();
        await h.FailAsync("b");
        h.Log.Skip(3).Should().Equal("end:b", "stop:c", "stop:a", "start:a", "start:b", "start:c");
        h.Tree.Workers.Should().OnlyContain(w => w.State == WorkerState.Running);
    }

    [Fact]
    public async Task Rest_for_one_restarts_the_failed_worker_and_those_started_after_it()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.RestForOne);
        await h.StartAsync();
        await h.FailAsync("b");
        h.Log.Skip(3).Should().Equal("end:b", "stop:c", "start:b", "start:c");
        h.Starts("a").Should().Be(1);
    }

    [Fact]
    public async Task Past_its_intensity_a_root_supervisor_stops_everything_and_reports_the_worker_failed()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.OneForOne, maxRestarts: 2);
        await h.StartAsync();
        await h.FailAsync("b");
        await h.FailAsync("b");
        h.State("root").Should().Be(WorkerState.Running);

        await h.FailAsync("b");
        h.Log.Skip(7).Should().Equal("end:b", "stop:c", "stop:a");
        h.State("b").Should().Be(WorkerState.Failed);
        h.State("a").Should().Be(WorkerState.Stopped);
        h.State("c").Should().Be(WorkerState.Stopped);
        WorkerStatus root = h.Tree.GetStatus("root")!;
        root.State.Should().Be(WorkerState.Failed);
        root.Reason.Should().Be("gave up: b failed: InvalidOperationException: b broke, after 2 restarts within 10 s (allowed: 2)");
        h.Logger.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 9003);
    }

    [Fact]
    public async Task Restarts_older_than_the_window_do_not_count()
    {
        await using SupervisionHarness h = Three(SupervisionStrategy.OneForOne, maxRestarts: 2);
        await h.StartAsync();
        for (int i = 0; i < 6; i++)
        {
            await h.FailAsync("a");
            h.Time.Advance(TimeSpan.FromSeconds(5));
        }

        h.State("root").Should().Be(WorkerState.Running, "never more than 2 restarts fell within 10 s");
        h.Starts("a").Should().Be(7);
    }

    [Fact]
    public async Task A_nested_supervisor_that_gives_up_is_restarted_whole_by_its_parent()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .RestartIntensity(3, TimeSpan.FromSeconds(10))
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("x", h.Worker("x"))
            .AddSupervisor("pair", p => p
                .RestartIntensity(0, TimeSpan.FromSeconds(10))
                .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
                .AddWorker("p1", h.Worker("p1"))
                .AddWorker("p2", h.Worker("p2"))));
        await h.StartAsync();
        await h.FailAsync("p1");

        h.Log.Skip(3).Should().Equal("end:p1", "stop:p2", "start:p1", "start:p2");
        h.Starts("x").Should().Be(1, "the parent's strategy is one-for-one: only the nested supervisor restarts");
        h.Tree.GetStatus("pair")!.Restarts.Should().Be(1);
        h.Logger.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 9004);
        h.Tree.Workers.Should().OnlyContain(w => w.State == WorkerState.Running);
    }

    [Fact]
    public async Task When_the_parent_gives_up_too_the_failure_reaches_the_root_with_the_worker_as_its_cause()
    {
        await using var h = new SupervisionHarness((s, h) => s
            .RestartIntensity(1, TimeSpan.FromSeconds(10))
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("x", h.Worker("x"))
            .AddSupervisor("pair", p => p
                .RestartIntensity(0, TimeSpan.FromSeconds(10))
                .AddWorker("p1", h.Worker("p1"))
                .AddWorker("p2", h.Worker("p2"))));
        await h.StartAsync();
        await h.FailAsync("p1");
        await h.FailAsync("p1");

        h.State("p1").Should().Be(WorkerState.Failed);
        h.State("pair").Should().Be(WorkerState.Failed);
        h.State("root").Should().Be(WorkerState.Failed);
        h.State("x").Should().Be(WorkerState.Stopped);
        h.State("p2").Should().Be(WorkerState.Stopped);

        await h.Tree.RestartAsync("p1");
        await h.SettleAsync();
        h.Tree.Workers.Should().OnlyContain(w => w.State == WorkerState.Running, "restarting a worker under a supervisor that gave up restarts that supervisor");
        h.Starts("x").Should().Be(2);
    }
}
