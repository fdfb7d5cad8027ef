using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Storage;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Recovery;

public sealed class RecoveryManagerTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_failing_component_is_detected_restarted_verified_and_its_incident_resolved_and_learned()
    {
        int restarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(_ =>
        {
            Interlocked.Increment(ref restarts);
            h.Checks["db"].Result = HealthCheckResult.Healthy();
            return ValueTask.CompletedTask;
        })));
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy, "connection refused");
        Incident incident = await h.ClosedAsync("db");

        (incident.Status, incident.FailureType, incident.RootCause, incident.Level).Should().Be((IncidentStatus.Resolved, FailureTypes.Critical, "db", HealthLevel.Critical));
        incident.Plan.Should().Equal(RecoveryStrategy.Restart, RecoveryStrategy.Fallback, RecoveryStrategy.ManualIntervention);
        incident.Attempts.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Strategy = RecoveryStrategy.Restart, Attempt = 1, Succeeded = true, RolledBack = false });
        restarts.Should().Be(1);
        incident.Timeline.Select(e => e.Kind).Should().ContainInOrder("event", "diagnosis", "action", "verification", "resolution");
        incident.Timeline.Should().Contain(e => e.Message == "db is Critical: connection refused; probable root cause: db itself");
        h.Monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy);
        h.Manager.Statistics.Should().ContainSingle().Which.Should().BeEquivalentTo(new { FailureType = FailureTypes.Critical, Strategy = RecoveryStrategy.Restart, Attempts = 1, Successes = 1 });

        await h.StopAsync(); // drains the store writes and the sinks
        h.Sink.Received.Select(i => i.Status).Should().Equal(IncidentStatus.Open, IncidentStatus.Resolved);
        var store = h.Services.GetRequiredService<IStateStore>();
        string? stored = await store.GetAsync(RecoveryManager.IncidentCollection, incident.Id);
        stored.Should().Contain("\"status\":\"Resolved\"");
        (await store.ListAsync(RecoveryManager.StatisticsCollection)).Should().ContainSingle(s => s.Key == "Critical/Restart");
    }

    [Fact]
    public async Task When_every_strategy_fails_the_incident_is_escalated_after_the_retries()
    {
        var actions = new List<string>();
        using var h = new RecoveryHarness(b => b
            .AddHealableComponent("db", c => c
                .OnRestart(_ => { lock (actions) { actions.Add("restart"); } return ValueTask.CompletedTask; })
                .OnFallback((on, _) => { lock (actions) { actions.Add($"fallback {on}"); } return ValueTask.CompletedTask; }))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Primary = RecoveryStrategy.Restart; p.Fallbacks.Add(RecoveryStrategy.Fallback); p.MaxRetries = 1; }));
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident incident = await h.ClosedAsync("db");

        incident.Status.Should().Be(IncidentStatus.Escalated);
        incident.Attempts.Select(a => (a.Strategy, a.Attempt, a.Succeeded)).Should().Equal(
            (RecoveryStrategy.Restart, 1, false), (RecoveryStrategy.Restart, 2, false), (RecoveryStrategy.Fallback, 1, false), (RecoveryStrategy.Fallback, 2, false));
        actions.Should().Equal("restart", "restart", "fallback True", "fallback True");
        incident.Timeline[^1].Message.Should().Be("nothing recovered db (tried: Restart #1, Restart #2, Fallback #1, Fallback #2): a human has to act.");
        await h.StopAsync();
        h.Sink.Received[^1].Status.Should().Be(IncidentStatus.Escalated);
    }

    [Fact]
    public async Task An_action_that_makes_things_worse_is_rolled_back_to_the_checkpoint()
    {
        string state = "pool=10";
        object? restored = null;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b
            .AddHealableComponent("db", c => c
                .OnReconfigure((changes, _) => { state = $"pool={changes["pool"]}"; h.Checks["db"].Result = HealthCheckResult.Unhealthy("worse", new InvalidOperationException("pool exhausted")); return ValueTask.CompletedTask; })
                .OnCheckpoint(_ => ValueTask.FromResult<object?>(state), (saved, _) => { restored = saved; state = (string)saved!; return ValueTask.CompletedTask; }))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Primary = RecoveryStrategy.Reconfigure; p.MaxRetries = 0; p.Parameters["pool"] = "1"; }));
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident incident = await h.ClosedAsync("db");

        incident.Attempts.Should().ContainSingle().Which.RolledBack.Should().BeTrue("db went from Critical to Failed");
        restored.Should().Be("pool=10");
        state.Should().Be("pool=10");
        incident.Timeline.Should().Contain(e => e.Kind == "rollback" && e.Message.StartsWith("db went from Critical to Failed after Reconfigure", StringComparison.Ordinal));
        incident.Status.Should().Be(IncidentStatus.Escalated);
        await h.StopAsync();
    }

    [Fact]
    public async Task With_rollback_switched_off_no_checkpoint_is_taken()
    {
        int checkpoints = 0;
        using var h = new RecoveryHarness(b => b
            .ConfigureRecovery(o => o.Rollback = false)
            .AddHealableComponent("db", c => c
                .OnRestart(_ => ValueTask.CompletedTask)
                .OnCheckpoint(_ => { checkpoints++; return ValueTask.FromResult<object?>(null); }, (_, _) => ValueTask.CompletedTask))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.MaxRetries = 0; }));
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        (await h.ClosedAsync("db")).Attempts.Should().ContainSingle();
        checkpoints.Should().Be(0);
        await h.StopAsync();
    }

    [Fact]
    public async Task A_dependent_whose_trouble_shows_before_its_dependencys_waits_the_correlation_window_and_is_not_acted_on()
    {
        int apiRestarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b
                .AddHealthComponent("api", c => c.DependsOn("db"))
                .AddHealableComponent("db", c => c.OnRestart(_ =>
                {
                    h.Checks["db"].Result = HealthCheckResult.Healthy();
                    h.Checks["api-check"].Result = HealthCheckResult.Healthy();
                    return ValueTask.CompletedTask;
                }))
                .AddHealableComponent("api", c => c.OnRestart(_ => { Interlocked.Increment(ref apiRestarts); return ValueTask.CompletedTask; })
                    .VerifyWith(_ => ValueTask.FromResult(h.Checks["api-check"].Result.Status == HealthStatus.Healthy))),
            checks: ["db", "api-check"]);
        await h.StartAsync();

        // The dependent's check comes first: nothing upstream is in trouble yet when its incident opens.
        h.Checks["api-check"].Result = HealthCheckResult.Unhealthy("its queries fail");
        h.Monitor.Report("api", HealthLevel.Critical, "its queries fail");
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "api"), "api's incident opens");
        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident db = await h.ClosedAsync("db");
        Incident api = await h.ClosedAsync("api");

        db.Status.Should().Be(IncidentStatus.Resolved);
        (api.Status, api.RootCause).Should().Be((IncidentStatus.Resolved, "db"));
        api.Timeline.Select(e => e.Message).Should().Contain(m => m.StartsWith("upstream trouble showed within 1000 ms: probable root cause db", StringComparison.Ordinal))
            .And.Contain("api recovered with db.");
        apiRestarts.Should().Be(0, "the dependency's restart was the action that healed it");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_component_that_fails_while_the_process_is_busy_is_its_own_root_cause_and_is_acted_on()
    {
        int apiRestarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b
                .AddHealthComponent("process", _ => { })
                .AddHealthComponent("api", c => c.DependsOn("process"))
                .AddHealthComponent("web", c => c.DependsOn("process"))
                .AddHealthComponent("worker", c => c.DependsOn("process"))
                .AddHealthComponent("search", c => c.DependsOn("process"))
                .AddHealableComponent("api", c => c.OnRestart(_ =>
                {
                    Interlocked.Increment(ref apiRestarts);
                    h.Checks["api-check"].Result = HealthCheckResult.Healthy();
                    return ValueTask.CompletedTask;
                }).VerifyWith(_ => ValueTask.FromResult(h.Checks["api-check"].Result.Status == HealthStatus.Healthy))),
            checks: ["api-check"]);
        await h.StartAsync();

        // The process flaps, then is a little busy (it stays so), then one component fails while the others work: a
        // busy process would trouble them all, so it does not explain the one that fails.
        foreach (string working in new[] { "web", "worker", "search" })
        {
            h.Monitor.Report(working, HealthLevel.Healthy, "answers");
        }

        for (int i = 0; i < 12; i++)
        {
            h.Monitor.Report("process", HealthLevel.Degraded, "cpu 80 %");
            h.Monitor.Report("process", HealthLevel.Healthy, "cpu 40 %");
        }

        h.Monitor.Report("process", HealthLevel.Degraded, "cpu 80 %");
        h.Checks["api-check"].Result = HealthCheckResult.Unhealthy("its queries fail");
        h.Monitor.Report("api", HealthLevel.Critical, "its queries fail");
        Incident api = await h.ClosedAsync("api");

        (api.Status, api.RootCause, api.AffectedBy.Count).Should().Be((IncidentStatus.Resolved, "api", 0));
        apiRestarts.Should().Be(1);

        // It opened with the latest related events only, so its diagnosis stays in the head a long timeline keeps.
        api.Timeline[0].Message.Should().StartWith("8 earlier related events left out");
        api.Timeline.Take(20).Should().Contain(e => e.Kind == "diagnosis");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_dependent_still_affected_after_its_dependencys_recovery_failed_is_not_acted_on()
    {
        int apiRestarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b
                .AddHealthComponent("api", c => c.DependsOn("db"))
                .AddHealableComponent("db", c => c.OnRestart(_ => ValueTask.CompletedTask)) // restarting does not help
                .AddHealableComponent("api", c => c.OnRestart(_ => { Interlocked.Increment(ref apiRestarts); return ValueTask.CompletedTask; })
                    .VerifyWith(_ => ValueTask.FromResult(false))),
            checks: ["db"]);
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy);
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "db"), "db's incident opens");
        h.Monitor.Report("api", HealthLevel.Critical, "its database is down");
        Incident db = await h.ClosedAsync("db");
        await h.AdvanceUntilAsync(
            () => h.Manager.OpenIncidents.Any(i => i.Component == "api" && i.Timeline.Any(e => e.Message.StartsWith("api is still affected by db", StringComparison.Ordinal))),
            TimeSpan.FromMinutes(2));

        db.Status.Should().Be(IncidentStatus.Escalated);
        h.Manager.OpenIncidents.Should().ContainSingle(i => i.Component == "api").Which.RootCause.Should().Be("db");
        apiRestarts.Should().Be(0, "restarting the dependent cannot fix its dependency");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_failing_dependency_is_recovered_before_its_dependents()
    {
        var order = new List<string>();
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b
                .AddHealthComponent("api", c => c.DependsOn("db"))
                .AddHealableComponent("db", c => c.OnRestart(async _ =>
                {
                    // Held until api's recovery waits for this one.
                    await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "api" && i.Timeline.Any(e => e.Message == "waiting for the recovery of db first")), "api waits for db");
                    lock (order) { order.Add("restart db"); }
                    h.Checks["db"].Result = HealthCheckResult.Healthy();
                    h.Checks["api-check"].Result = HealthCheckResult.Healthy();
                }))
                .AddHealableComponent("api", c => c.OnRestart(_ => { lock (order) { order.Add("restart api"); } return ValueTask.CompletedTask; })
                    .VerifyWith(_ => ValueTask.FromResult(h.Checks["api-check"].Result.Status == HealthStatus.Healthy))),
            checks: ["db", "api-check"]);
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy);
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "db"), "db's incident opens");
        h.Checks["api-check"].Result = HealthCheckResult.Unhealthy("db is down");
        h.Monitor.Report("api", HealthLevel.Critical, "its database is down");

        Incident db = await h.ClosedAsync("db");
        Incident api = await h.ClosedAsync("api");
        db.Status.Should().Be(IncidentStatus.Resolved);
        (api.Status, api.RootCause).Should().Be((IncidentStatus.Resolved, "db"));
        api.AffectedBy.Should().Equal("db");
        api.Timeline.Select(e => e.Message).Should().Contain("waiting for the recovery of db first").And.Contain("api recovered with db.");
        order.Should().Equal(["restart db"], "api recovered with its dependency and was never restarted");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_risky_action_waits_for_the_approval_gate_which_denies_by_default()
    {
        double scaledBy = 0;
        using var denied = new RecoveryHarness(b => b
            .AddHealableComponent("db", c => c.OnScale((f, _) => { scaledBy = f; return ValueTask.CompletedTask; }))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Primary = RecoveryStrategy.ScaleResources; p.ScaleFactor = 2; }));
        await denied.StartAsync();
        await denied.SetAsync("db", HealthStatus.Unhealthy);
        Incident escalated = await denied.ClosedAsync("db");
        (escalated.Status, scaledBy).Should().Be((IncidentStatus.Escalated, 0.0));
        escalated.Timeline.Select(e => e.Message).Should().Contain("ScaleResources is High risk: asking for approval").And.Contain("ScaleResources denied");
        escalated.Timeline[^1].Message.Should().EndWith("skipped: ScaleResources (not approved)): a human has to act.");
        await denied.StopAsync();

        var gate = new ApprovingGate();
        RecoveryHarness h = null!;
        using var approved = h = new RecoveryHarness(b => b
            .UseApprovalGate(gate)
            .AddHealableComponent("db", c => c.OnScale((f, _) => { scaledBy = f; h.Checks["db"].Result = HealthCheckResult.Healthy(); return ValueTask.CompletedTask; }))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Primary = RecoveryStrategy.ScaleResources; p.ScaleFactor = 2; }));
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        (await h.ClosedAsync("db")).Status.Should().Be(IncidentStatus.Resolved);
        scaledBy.Should().Be(2);
        gate.Requests.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Strategy = RecoveryStrategy.ScaleResources, Risk = RiskLevel.High });
        await h.StopAsync();
    }

    [Fact]
    public async Task A_gate_that_does_not_answer_in_time_counts_as_a_denial()
    {
        using var h = new RecoveryHarness(b => b
            .UseApprovalGate(new HangingGate())
            .ConfigureRecovery(o => o.ApprovalTimeout = TimeSpan.FromSeconds(30))
            .AddHealableComponent("db", c => c.OnScale((_, _) => ValueTask.CompletedTask))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Primary = RecoveryStrategy.ScaleResources; }));
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident incident = await h.ClosedAsync("db");
        incident.Timeline.Select(e => e.Message).Should().Contain("ScaleResources not approved within 00:00:30: denied");
        incident.Attempts.Should().BeEmpty();
        await h.StopAsync();
    }

    [Fact]
    public async Task Concurrent_news_about_a_component_never_starts_a_second_recovery()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int restarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(async _ =>
        {
            Interlocked.Increment(ref restarts);
            restarting.TrySetResult();
            await release.Task;
            h.Checks["db"].Result = HealthCheckResult.Healthy();
        })));
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        await restarting.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var hub = h.Services.GetRequiredService<IEventHub>();
        DateTimeOffset now = h.Time.GetUtcNow();
        Parallel.For(0, 50, i => hub.Publish(new HealthChanged("test", now, "db", HealthLevel.Critical, HealthLevel.Failed, $"news {i}")));
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Single().Timeline.Count(e => e.Message.StartsWith("db is Failed: news", StringComparison.Ordinal)) == 50, "the 50 news join the incident");
        release.SetResult();

        Incident incident = await h.ClosedAsync("db");
        (incident.Status, restarts, incident.Attempts.Count).Should().Be((IncidentStatus.Resolved, 1, 1));
        h.Manager.IncidentHistory.Should().ContainSingle();
        await h.StopAsync();
    }

    [Fact]
    public async Task Automatic_recovery_switched_off_in_configuration_escalates_and_switching_it_on_at_runtime_acts()
    {
        int restarts = 0;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b.AddHealableComponent("db", c => c.OnRestart(_ => { restarts++; h.Checks["db"].Result = HealthCheckResult.Healthy(); return ValueTask.CompletedTask; })),
            new() { ["SelfHealing:Recovery:AutomaticRecovery"] = "false", ["SelfHealing:Recovery:Learning"] = "false" });
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident off = await h.ClosedAsync("db");
        (off.Status, off.Timeline[^1].Message, restarts).Should().Be((IncidentStatus.Escalated, "automatic recovery is switched off: a human has to act.", 0));

        h.Configuration["SelfHealing:Recovery:AutomaticRecovery"] = "true";
        h.Configuration.Reload();
        await h.SetAsync("db", HealthStatus.Healthy, "ok");
        await h.SetAsync("db", HealthStatus.Unhealthy);
        Incident on = await h.ClosedAsync("db", closedBefore: 1);
        (on.Status, restarts).Should().Be((IncidentStatus.Resolved, 1));
        h.Manager.Statistics.Should().BeEmpty("learning is switched off");
        await h.StopAsync();
    }

    [Fact]
    public async Task Learning_reorders_a_plan_by_what_has_worked_for_advanced_components_only()
    {
        using var h = new RecoveryHarness(b => b
            .AddHealableComponent("db", c => c.OnRestart(_ => ValueTask.CompletedTask).OnFallback((_, _) => ValueTask.CompletedTask))
            .AddHealableComponent("cache", c => c.Level(HealingLevel.Basic).OnRestart(_ => ValueTask.CompletedTask)));
        await h.StartAsync();
        DateTimeOffset now = h.Time.GetUtcNow();
        for (int i = 0; i < 3; i++)
        {
            var incident = new Incident($"past-{i}", "db", FailureTypes.Failed, IncidentStatus.Resolved, now, now)
            {
                Attempts = [new(RecoveryStrategy.Restart, 1, false, TimeSpan.FromSeconds(5)), new(RecoveryStrategy.Fallback, 1, true, TimeSpan.FromSeconds(1))],
            };
            (await h.Manager.LearnFromIncidentAsync(incident)).Should().BeTrue();
            (await h.Manager.LearnFromIncidentAsync(incident)).Should().BeFalse("an incident is learned from once");
        }

        h.Manager.SelectPlan("db", FailureTypes.Failed).Strategies.Should().Equal(RecoveryStrategy.Fallback, RecoveryStrategy.Restart, RecoveryStrategy.ManualIntervention);
        h.Manager.SelectPlan("cache", FailureTypes.Failed).Strategies.Should().Equal(RecoveryStrategy.Restart, RecoveryStrategy.Fallback, RecoveryStrategy.ManualIntervention);
        StrategyStatistics restart = h.Manager.Statistics.Single(s => s.Strategy == RecoveryStrategy.Restart);
        (restart.Attempts, restart.Successes, restart.SuccessRate, restart.MeanDuration).Should().Be((3, 0, 0.2, TimeSpan.FromSeconds(5)));
        await h.StopAsync();
    }

    [Fact]
    public async Task Statistics_and_incidents_survive_a_restart_through_the_store()
    {
        var store = new InMemoryStateStore();
        RecoveryHarness first = null!;
        using (first = new RecoveryHarness(
            b => b.AddHealableComponent("db", c => c.OnRestart(_ => { first.Checks["db"].Result = HealthCheckResult.Healthy(); return ValueTask.CompletedTask; })),
            store: store))
        {
            await first.StartAsync();
            await first.SetAsync("db", HealthStatus.Unhealthy);
            await first.ClosedAsync("db");
            await first.StopAsync();
        }

        var open = new Incident("left-open", "db", FailureTypes.Failed, IncidentStatus.Recovering, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        await store.PutAsync(RecoveryManager.IncidentCollection, open.Id, JsonSerializer.Serialize(open, WebJson));
        await store.PutAsync(RecoveryManager.IncidentCollection, "garbage", "{not json");

        using var second = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(_ => ValueTask.CompletedTask)), store: store);
        await second.StartAsync();
        second.Manager.Statistics.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Strategy = RecoveryStrategy.Restart, Attempts = 1, Successes = 1 });
        second.Manager.IncidentHistory.Select(i => (i.Id, i.Status)).Should().HaveCount(2).And.Contain(("left-open", IncidentStatus.Escalated));
        second.Manager.IncidentHistory.Single(i => i.Id == "left-open").Timeline[^1].Message.Should().Be("the process stopped before the recovery ended.");
        await second.StopAsync();
        (await store.GetAsync(RecoveryManager.IncidentCollection, "garbage")).Should().Be("{not json", "an unreadable document is ignored, never overwritten");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconfigure_goes_through_the_adaptive_configuration_and_a_rollback_restores_it(bool worse)
    {
        using var h = new RecoveryHarness(b =>
        {
            b.Services.AddSingleton(new PoolCheck.Mode(worse));
            b.Services.AddHealthChecks().AddCheck<PoolCheck>("pool");
            b.AddAdaptiveParameters(ParameterDefinition.Integer("Db:PoolSize", 10, 1, 100))
             .AddHealableComponent("pool", _ => { }) // supports nothing itself: the plan's parameters are adaptive ones
             .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Component = "pool"; p.Primary = RecoveryStrategy.Reconfigure; p.MaxRetries = 0; p.Parameters["Db:PoolSize"] = "50"; });
        });
        await h.StartAsync();
        await h.Monitor.CheckNowAsync("pool");
        Incident incident = await h.ClosedAsync("pool");
        var config = h.Services.GetRequiredService<AdaptiveConfigManager>();

        incident.Timeline.Select(e => e.Message).Should().Contain("configuration version 2 applied: Db:PoolSize=50");
        if (!worse)
        {
            incident.Status.Should().Be(IncidentStatus.Resolved);
            (config.Current.Source, config.Get<long>("Db:PoolSize")).Should().Be((ConfigSource.Recovery, 50L));
            config.Current.Reason.Should().Be($"incident {incident.Id}: Reconfigure pool");
        }
        else
        {
            incident.Attempts.Should().ContainSingle().Which.RolledBack.Should().BeTrue();
            incident.Timeline.Select(e => e.Message).Should().Contain("pool went from Critical to Failed after Reconfigure: configuration version 1 restored");
            (config.Current.Source, config.Get<long>("Db:PoolSize")).Should().Be((ConfigSource.Rollback, 10L));
        }

        await h.StopAsync();
    }

    [Fact]
    public async Task A_component_failing_before_the_manager_started_is_recovered_too()
    {
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(_ => { h.Checks["db"].Result = HealthCheckResult.Healthy(); return ValueTask.CompletedTask; })));
        h.Checks["db"].Result = HealthCheckResult.Unhealthy("down from the start");
        await h.Monitor.StartAsync(CancellationToken.None);
        await h.Monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10)); // its HealthChanged went out with nobody listening
        h.Monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Critical);

        await h.Manager.StartAsync(CancellationToken.None);
        Incident incident = await h.ClosedAsync("db");
        (incident.Status, incident.Timeline.Any(e => e.Message == "db is Critical at start: down from the start; probable root cause: db itself")).Should().Be((IncidentStatus.Resolved, true));
        await h.Manager.StopAsync(CancellationToken.None);
        await h.Monitor.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_component_that_is_not_healable_gets_one_open_incident_that_resolves_when_it_recovers()
    {
        using var h = new RecoveryHarness(_ => { });
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Unhealthy);
        const string Watching = "db is not a healable component: nothing to act on; the incident stays open until it recovers.";
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "db" && i.Timeline[^1].Message == Watching), "the incident watches db");
        await h.SetAsync("db", HealthStatus.Degraded);
        await h.SetAsync("db", HealthStatus.Unhealthy); // more news of the same trouble: no second incident, no escalation
        await h.UntilIncidentsAsync(
            () => h.Manager.OpenIncidents.Single().Timeline.Count(e => e.Message == Watching) == 1
                && h.Manager.OpenIncidents.Single().Timeline.Any(e => e.Kind == "event" && e.Message.StartsWith("db is Critical", StringComparison.Ordinal)),
            "the new news joins the open incident");
        await h.SetAsync("db", HealthStatus.Healthy);
        Incident incident = await h.ClosedAsync("db");
        (incident.Status, incident.Timeline[^1].Message).Should().Be((IncidentStatus.Resolved, "db is Healthy again without an action."));
        h.Sink.Received.Should().NotContain(i => i.Status == IncidentStatus.Escalated);
        h.Manager.IncidentHistory.Should().ContainSingle();
        await h.StopAsync();
    }

    [Fact]
    public async Task A_bad_event_on_the_hub_does_not_end_the_listener()
    {
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(_ =>
        {
            h.Checks["db"].Result = HealthCheckResult.Healthy();
            return ValueTask.CompletedTask;
        })));
        await h.StartAsync();
        var hub = h.Services.GetRequiredService<IEventHub>();
        hub.Publish(new HealthChanged("someone", h.Time.GetUtcNow(), null!, HealthLevel.Healthy, HealthLevel.Critical, "a component without a name"));

        await h.SetAsync("db", HealthStatus.Unhealthy);
        (await h.ClosedAsync("db")).Status.Should().Be(IncidentStatus.Resolved, "the news after the bad event was still acted on");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_container_disposed_synchronously_stops_the_monitor_and_the_manager()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        services.AddSelfHealing(b => b.ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; }));
        ServiceProvider provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<HealthMonitor>();
        var manager = provider.GetRequiredService<RecoveryManager>();
        await monitor.StartAsync(CancellationToken.None);
        await manager.StartAsync(CancellationToken.None);

        Action dispose = provider.Dispose;
        dispose.Should().NotThrow();
        (await monitor.SignalAsync(new HealthSignal.CheckHealth()).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse("the monitor has stopped");
        Func<Task> recover = () => manager.RecoverAsync("db", FailureTypes.Critical);
        await recover.Should().ThrowAsync<InvalidOperationException>().WithMessage("The recovery manager is not running.");
    }

    [Fact]
    public async Task One_breaker_seen_by_two_checks_is_one_incident()
    {
        using var h = new RecoveryHarness(b => b.AddCircuitBreaker("ledger", o =>
        {
            o.MinimumThroughput = 1;
            o.BreakDuration = TimeSpan.FromSeconds(5);
            o.HealthWhenOpen = HealthStatus.Unhealthy;
        }));
        await h.StartAsync();
        CircuitBreaker ledger = h.Services.GetRequiredKeyedService<CircuitBreaker>("ledger");

        await ledger.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Timeline.Any(e => e.Message.Contains("part of this incident", StringComparison.Ordinal))), "the affected component joins the incident");
        Incident open = h.Manager.OpenIncidents.Should().ContainSingle().Subject;
        (open.Component, open.RootCause).Should().Be(("circuit-breaker:ledger", "circuit-breaker:ledger"));
        open.Timeline.Should().Contain(e => e.Message.StartsWith("selfhealing-circuit-breakers is Critical", StringComparison.Ordinal));

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await ledger.ExecuteAsync(_ => new ValueTask<int>(1));
        Incident closed = await h.ClosedAsync("circuit-breaker:ledger");
        closed.Status.Should().Be(IncidentStatus.Resolved);
        await h.AdvanceUntilAsync(() => h.Monitor.GetHealth("selfhealing-circuit-breakers")?.Level == HealthLevel.Healthy, TimeSpan.FromSeconds(5));
        h.Manager.OpenIncidents.Should().BeEmpty();
        h.Manager.IncidentHistory.Should().ContainSingle("the check of every breaker saw the same root cause");
        h.Sink.Received.Should().NotContain(i => i.Status == IncidentStatus.Escalated);
        await h.StopAsync();
    }

    [Fact]
    public async Task The_unified_interface_detects_selects_applies_verifies_and_reports()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b.AddHealableComponent("db", c => c.OnRestart(async _ =>
        {
            await release.Task; // held, so the test sees the trouble before the automatic run fixes it
            h.Checks["db"].Result = HealthCheckResult.Healthy();
        })));
        await h.StartAsync();
        var healing = h.Services.GetRequiredService<ISelfHealing>();
        (await healing.DetectAnomalyAsync("db")).Should().BeNull("db is healthy");

        h.Checks["db"].Result = HealthCheckResult.Unhealthy("down");
        Diagnosis diagnosis = (await healing.DetectAnomalyAsync("db"))!;
        diagnosis.Should().BeEquivalentTo(new { Component = "db", FailureType = FailureTypes.Critical, Level = HealthLevel.Critical, Reason = "down", RootCause = "db" });
        healing.GetHealthStatus().Level.Should().Be(HealthLevel.Critical);
        healing.SelectResponse(diagnosis).Primary.Should().Be(RecoveryStrategy.Restart);
        healing.GetHealingLevel("db").Should().Be(HealingLevel.Advanced);
        Task<Incident> applying = healing.ApplyResponseAsync(diagnosis); // joins the automatic run, if it has started
        (await healing.VerifyRecoveryAsync("db")).Should().BeFalse();
        release.SetResult();
        Incident incident = await applying.WaitAsync(TimeSpan.FromSeconds(10));
        (incident.Status, incident.Attempts.Count).Should().Be((IncidentStatus.Resolved, 1));
        (await healing.VerifyRecoveryAsync("db")).Should().BeTrue();
        h.Manager.IncidentHistory.Should().ContainSingle("the request and the monitor's news were one recovery");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_bad_plan_in_configuration_stops_start_up_with_its_key()
    {
        using var h = new RecoveryHarness(_ => { }, new()
        {
            ["SelfHealing:Recovery:Plans:0:FailureType"] = "Critical",
            ["SelfHealing:Recovery:Plans:0:MaxRetries"] = "50",
            ["SelfHealing:Recovery:RecoveredLevel"] = "Critical",
            ["SelfHealing:Recovery:FallbackReturnAfter"] = "-00:00:01",
        });
        Func<Task> start = h.StartAsync;
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().BeEquivalentTo(
            "SelfHealing:Recovery:RecoveredLevel is Critical; allowed: a level below TriggerLevel (Critical).",
            "SelfHealing:Recovery:FallbackReturnAfter is -00:00:01; allowed: 00:00:00 to 1.00:00:00.",
            "SelfHealing:Recovery:Plans:0:MaxRetries is 50; allowed: 0 to 10.");
    }

    /// <summary>Unhealthy with a small pool; with a pool of 50, healthy, or broken in the "worse" mode.</summary>
    private sealed class PoolCheck(AdaptiveConfigManager config, PoolCheck.Mode mode) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            config.Get<long>("Db:PoolSize") < 50 ? Task.FromResult(HealthCheckResult.Unhealthy("pool too small"))
            : mode.Worse ? throw new InvalidOperationException("the database refuses 50 connections")
            : Task.FromResult(HealthCheckResult.Healthy());

        public sealed record Mode(bool Worse);
    }

    private sealed class ApprovingGate : IRecoveryApprovalGate
    {
        public List<RecoveryApprovalRequest> Requests { get; } = [];

        public ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return ValueTask.FromResult(true);
        }
    }

    private sealed class HangingGate : IRecoveryApprovalGate
    {
        public async ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return true;
        }
    }

    private sealed class FixedLeases(RecoveryLease answer) : IRecoveryLeases
    {
        public List<(string Target, string Component, RecoveryStrategy Strategy)> Asked { get; } = [];

        public ValueTask<RecoveryLease> AcquireAsync(string target, string component, RecoveryStrategy strategy, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add((target, component, strategy));
            }

            return new(answer);
        }
    }

    [Fact]
    public async Task A_shared_target_is_not_acted_on_without_a_lease_and_the_attempts_say_who_it_was_left_to()
    {
        int restarts = 0;
        var leases = new FixedLeases(RecoveryLease.Unavailable("no majority"));
        using var h = new RecoveryHarness(b =>
        {
            b.Services.AddSingleton<IRecoveryLeases>(leases);
            b.AddHealableComponent("db", c => c.SharedAs("orders-db").OnRestart(_ =>
            {
                Interlocked.Increment(ref restarts);
                return ValueTask.CompletedTask;
            }));
        });
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy, "down");
        Incident incident = await h.ClosedAsync("db");

        restarts.Should().Be(0);
        incident.Status.Should().Be(IncidentStatus.Escalated);
        incident.Attempts.Should().NotBeEmpty().And.OnlyContain(a => a.Strategy == RecoveryStrategy.Restart && !a.Succeeded && a.LeftTo == "nobody (no majority)");
        incident.Timeline.Should().Contain(e => e.Kind == "coordination" && e.Message == "Restart of the shared orders-db was not taken here: no majority");
        leases.Asked.Should().OnlyContain(a => a.Target == "orders-db" && a.Component == "db");
        h.Manager.Statistics.Should().BeEmpty("waiting for another replica is not a try of the strategy");
        await h.StopAsync();
    }

    [Fact]
    public async Task An_action_on_a_shared_target_sees_the_fencing_token_and_stops_when_the_lease_is_lost()
    {
        using var lost = new CancellationTokenSource();
        int givenBack = 0, restarts = 0;
        long? seenToken = null;
        var leases = new FixedLeases(RecoveryLease.Granted("this replica", DateTimeOffset.MaxValue, (_, _, _) =>
        {
            Interlocked.Increment(ref givenBack);
            return ValueTask.CompletedTask;
        }, fencingToken: 42, lost: lost.Token));
        using var h = new RecoveryHarness(b =>
        {
            b.Services.AddSingleton<IRecoveryLeases>(leases);
            b.AddHealableComponent("db", c => c.SharedAs("orders-db").OnRestart(async ct =>
            {
                Interlocked.Increment(ref restarts);
                seenToken = RecoveryContext.Current?.FencingToken;
                await lost.CancelAsync(); // the lease runs out while the restart is under way
                await Task.Delay(Timeout.Infinite, ct);
            }));
        });
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy, "down");
        Incident incident = await h.ClosedAsync("db");

        seenToken.Should().Be(42);
        restarts.Should().Be(1, "once the lease is lost, no later attempt acts");
        incident.Timeline.Should().Contain(e => e.Message == "the lease on the shared orders-db was lost during Restart: the action was cancelled")
            .And.Contain(e => e.Message == "the lease on the shared orders-db was lost: stopped before Restart");
        givenBack.Should().Be(leases.Asked.Count);
        RecoveryContext.Current.Should().BeNull("the context belongs to the action's flow");
        await h.StopAsync();
    }

    [Fact]
    public async Task A_lease_is_given_back_when_the_checkpoint_before_the_action_throws()
    {
        int givenBack = 0;
        var leases = new FixedLeases(RecoveryLease.Granted("this replica", DateTimeOffset.MaxValue, (_, _, _) =>
        {
            Interlocked.Increment(ref givenBack);
            return ValueTask.CompletedTask;
        }));
        using var h = new RecoveryHarness(b =>
        {
            b.Services.AddSingleton<IRecoveryLeases>(leases);
            b.AddHealableComponent("db", c => c.SharedAs("orders-db")
                .OnRestart(_ => ValueTask.CompletedTask)
                .OnCheckpoint(_ => throw new IOException("the snapshot volume is full"), (_, _) => ValueTask.CompletedTask));
        });
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy, "down");
        Incident incident = await h.ClosedAsync("db");

        incident.Status.Should().Be(IncidentStatus.Escalated);
        leases.Asked.Should().NotBeEmpty();
        givenBack.Should().Be(leases.Asked.Count, "every lease taken is given back, even when the run fails before acting");
        await h.StopAsync();
    }

    [Fact]
    public async Task News_of_trouble_read_after_the_component_recovered_opens_no_incident()
    {
        int restarts = 0;
        using var h = new RecoveryHarness(
            b => b.AddHealableComponent("db", c => c.OnRestart(_ =>
            {
                Interlocked.Increment(ref restarts);
                return ValueTask.CompletedTask;
            })).AddHealableComponent("cache", c => c.OnRestart(_ => ValueTask.CompletedTask)),
            checks: ["db", "cache"]);
        await h.StartAsync();
        await h.SetAsync("db", HealthStatus.Healthy);

        var hub = h.Services.GetRequiredService<IEventHub>();
        hub.Publish(new HealthChanged("test", h.Time.GetUtcNow(), "db", HealthLevel.Healthy, HealthLevel.Critical, "read late"));
        await h.SetAsync("cache", HealthStatus.Unhealthy); // news read after db's, in order
        await h.UntilIncidentsAsync(() => h.Manager.OpenIncidents.Any(i => i.Component == "cache") || h.Manager.IncidentHistory.Any(i => i.Component == "cache"), "cache's incident opens");

        h.Manager.OpenIncidents.Concat(h.Manager.IncidentHistory).Should().NotContain(i => i.Component == "db", "the monitor already saw db healthy when the news was read");
        restarts.Should().Be(0);
        await h.StopAsync();
    }

    [Fact]
    public async Task A_fallback_recovery_switched_on_is_tried_off_later_and_stays_off_once_the_component_works_without_it()
    {
        var switches = new List<bool>();
        bool primaryUp = false;
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(
            b => b.AddHealableComponent("db", c => c
                .OnRestart(_ => ValueTask.CompletedTask) // a restart does not help while the primary is down
                .OnFallback((on, _) =>
                {
                    lock (switches)
                    {
                        switches.Add(on);
                    }

                    h.Checks["db"].Result = on || Volatile.Read(ref primaryUp) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("primary down");
                    return ValueTask.CompletedTask;
                })),
            new Dictionary<string, string?> { ["SelfHealing:Recovery:FallbackReturnAfter"] = "00:01:00" });
        await h.StartAsync();

        await h.SetAsync("db", HealthStatus.Unhealthy, "primary down");
        Incident incident = await h.ClosedAsync("db");

        incident.Status.Should().Be(IncidentStatus.Resolved);
        incident.Attempts[^1].Strategy.Should().Be(RecoveryStrategy.Fallback);
        incident.Timeline.Should().Contain(e => e.Message == "the fallback of db stays on; db is tried without it after 00:01:00");
        h.Manager.ActiveFallbacks.Should().Equal("db");

        // A minute later the primary is still down: tried without the fallback, which goes back on.
        await h.AdvanceUntilAsync(() => { lock (switches) { return switches.Count == 3; } }, TimeSpan.FromMinutes(2));
        switches.Should().Equal(true, false, true);
        h.Manager.ActiveFallbacks.Should().Equal("db");
        h.Manager.OpenIncidents.Should().BeEmpty("the trial watches db itself; its failure opens no incident");

        // The primary is back: the next try, two minutes later, leaves the fallback off.
        Volatile.Write(ref primaryUp, true);
        await h.AdvanceUntilAsync(() => h.Manager.ActiveFallbacks.Count == 0, TimeSpan.FromMinutes(4));
        switches.Should().Equal(true, false, true, false);
        h.Monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy);
        h.Manager.IncidentHistory.Should().ContainSingle();
        await h.StopAsync();
    }
}
