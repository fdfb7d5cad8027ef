using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.CircuitBreakers;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Tests.Recovery;

/// <summary><see cref="ISelfHealing"/> joins every signal into a typed diagnosis, and applies the plan it is given.</summary>
public sealed class DiagnosisTests
{
    [Fact]
    public async Task Among_dependent_components_the_diagnosis_names_the_one_at_the_bottom_as_the_root_cause()
    {
        using var h = new RecoveryHarness(
            b => b
                .AddHealthComponent("api", c => c.DependsOn("db"))
                .AddHealthComponent("web", c => c.DependsOn("api"))
                .ConfigureRecovery(o => o.AutomaticRecovery = false),
            checks: ["db", "api", "web"]);
        await h.StartAsync();
        var healing = h.Services.GetRequiredService<ISelfHealing>();
        (await healing.DetectAnomalyAsync("web")).Should().BeNull("nothing is wrong yet");

        await h.SetAsync("db", HealthStatus.Unhealthy, "connection refused");
        await h.SetAsync("api", HealthStatus.Unhealthy, "orders query failed");
        await h.SetAsync("web", HealthStatus.Degraded, "orders page serves from cache");

        Diagnosis web = (await healing.DetectAnomalyAsync("web"))!;
        (web.Kind, web.RootCause, web.Level).Should().Be((FailureKind.DependencyFailure, "db", HealthLevel.Degraded));
        web.Evidence.Should().ContainEquivalentOf(new DiagnosisEvidence("health", "web", "Degraded: orders page serves from cache (decided by check)"));
        web.Evidence.Should().ContainEquivalentOf(new DiagnosisEvidence("upstream", "db", "Critical: connection refused"));
        Diagnosis db = (await healing.DetectAnomalyAsync("db"))!;
        (db.Kind, db.RootCause, db.FailureType).Should().Be((FailureKind.Unavailable, "db", FailureTypes.Critical));
    }

    [Fact]
    public async Task A_threshold_names_the_kind_and_an_open_breaker_alone_is_a_diagnosis_too()
    {
        double errorRate = 0;
        using var h = new RecoveryHarness(b => b
            .AddHealthComponent("checkout", c => c
                .UseProbe(_ => ValueTask.FromResult(new HealthMetrics { ErrorRate = errorRate }))
                .Threshold(HealthMetricNames.ErrorRate, t => { t.Degraded = 0.1; t.Critical = 0.5; t.SamplesToWorsen = 1; }))
            .AddCircuitBreaker("payments", o => { o.MinimumThroughput = 2; o.FailureRatio = 0.5; })
            .ConfigureRecovery(o => o.AutomaticRecovery = false));
        await h.StartAsync();
        var healing = h.Services.GetRequiredService<ISelfHealing>();

        await h.Monitor.WhenIdle("checkout").WaitAsync(TimeSpan.FromSeconds(10)); // its first probe, started with the host
        errorRate = 0.6;
        Diagnosis checkout = (await healing.DetectAnomalyAsync("checkout"))!;
        (checkout.Kind, checkout.Level).Should().Be((FailureKind.Erroring, HealthLevel.Critical));
        h.Monitor.GetHealth("checkout")!.Source.Should().Be("threshold:errorRate");

        CircuitBreaker payments = h.Services.GetRequiredKeyedService<CircuitBreaker>("payments");
        (await healing.DetectAnomalyAsync("payments")).Should().BeNull("the breaker is closed");
        for (int i = 0; i < 2; i++)
        {
            await payments.ExecuteAsync<int>(_ => throw new TimeoutException());
        }

        Diagnosis breaker = (await healing.DetectAnomalyAsync("payments"))!;
        (breaker.Kind, breaker.FailureType).Should().Be((FailureKind.Unavailable, FailureTypes.CircuitOpen));
        breaker.Evidence.Should().ContainSingle(e => e.Source == "breaker" && e.Detail.StartsWith("Open: 2 of 2 calls failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_response_runs_the_plan_it_is_given_not_the_one_the_manager_would_select()
    {
        var actions = new List<string>();
        RecoveryHarness h = null!;
        using var harness = h = new RecoveryHarness(b => b
            .ConfigureRecovery(o => o.TriggerLevel = HealthLevel.Failed) // Critical opens no incident by itself: the test drives it
            .AddHealableComponent("db", c => c
                .OnRestart(_ => { actions.Add("restart"); return ValueTask.CompletedTask; })
                .OnFallback((on, _) =>
                {
                    actions.Add($"fallback {on}");
                    h.Checks["db"].Result = HealthCheckResult.Healthy();
                    return ValueTask.CompletedTask;
                })));
        await h.StartAsync();
        var healing = h.Services.GetRequiredService<ISelfHealing>();
        await h.SetAsync("db", HealthStatus.Unhealthy, "down");
        Diagnosis diagnosis = (await healing.DetectAnomalyAsync("db"))!;
        healing.SelectResponse(diagnosis).Primary.Should().Be(RecoveryStrategy.Restart, "what the manager would select");

        var plan = new RecoveryPlan { FailureType = diagnosis.FailureType, Primary = RecoveryStrategy.Fallback, MaxRetries = 0 };
        Task<Incident> applying = healing.ApplyResponseAsync(diagnosis, plan);
        Incident incident = await h.ClosedAsync("db");
        (await applying.WaitAsync(TimeSpan.FromSeconds(10))).Id.Should().Be(incident.Id);
        incident.Status.Should().Be(IncidentStatus.Resolved);
        incident.Attempts.Should().ContainSingle().Which.Strategy.Should().Be(RecoveryStrategy.Fallback);
        incident.Timeline.Should().Contain(e => e.Message == "plan (as given): Fallback");
        actions.Should().Equal("fallback True");

        Func<Task> bad = () => healing.ApplyResponseAsync(diagnosis, new RecoveryPlan { FailureType = "Critical", MaxRetries = -1 });
        await bad.Should().ThrowAsync<ArgumentException>().WithMessage("*MaxRetries*");
    }

    [Fact]
    public async Task Only_a_component_at_the_full_level_is_recovered_on_an_anomaly_alone()
    {
        var restarted = new List<string>();
        using var h = new RecoveryHarness(b => b
            .AddHealableComponent("advanced", c => c.OnRestart(_ => { lock (restarted) { restarted.Add("advanced"); } return ValueTask.CompletedTask; }))
            .AddHealableComponent("full", c => c.Level(HealingLevel.Full).OnRestart(_ => { lock (restarted) { restarted.Add("full"); } return ValueTask.CompletedTask; }))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Anomaly; p.Primary = RecoveryStrategy.Restart; p.MaxRetries = 0; }));
        await h.StartAsync();
        var hub = h.Services.GetRequiredService<SelfHealing.Events.IEventHub>();
        foreach (string component in new[] { "advanced", "full" })
        {
            hub.Publish(new SelfHealing.Metrics.AnomalyDetected("metrics", h.Time.GetUtcNow(), "queue.length",
                SelfHealing.Metrics.MetricTags.From([new KeyValuePair<string, string>(RecoveryManager.ComponentTag, component)]),
                SelfHealing.Metrics.MetricType.Gauge, h.Time.GetUtcNow(), 0.99, 900, 10));
        }

        Incident incident = await h.ClosedAsync("full");
        (incident.FailureType, incident.Attempts.Single().Strategy).Should().Be((FailureTypes.Anomaly, RecoveryStrategy.Restart));
        h.Manager.IncidentHistory.Should().OnlyContain(i => i.Component == "full", "an anomaly alone does not act on an Advanced component");
        lock (restarted)
        {
            restarted.Should().Equal("full");
        }

        var healing = h.Services.GetRequiredService<ISelfHealing>();
        Diagnosis advanced = (await healing.DetectAnomalyAsync("advanced"))!;
        (advanced.Kind, advanced.FailureType).Should().Be((FailureKind.Anomalous, FailureTypes.Anomaly));
        advanced.Evidence.Should().ContainSingle().Which.Detail.Should().Be("queue.length is 900, expected about 10 (score 0.99)");
    }
}
