using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Supervision;
using SelfHealing.Tests.Recovery;

namespace SelfHealing.Tests.Supervision;

/// <summary>Supervisors inside a Generic Host: health components, the recovery manager's incidents, validation.</summary>
public sealed class SupervisionHostTests
{
    [Fact]
    public async Task A_restarting_worker_is_degraded_not_unhealthy_and_healthy_again_once_running()
    {
        int starts = 0;
        using var h = new RecoveryHarness(b => b.AddSupervisor("ingest", s => s
            .Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), 0)
            .AddWorker("consumer", async (_, token) =>
            {
                if (Interlocked.Increment(ref starts) == 1)
                {
                    throw new InvalidOperationException("broker connection reset");
                }

                await Task.Delay(Timeout.Infinite, token);
            })));
        using EventSubscription news = h.Services.GetRequiredService<IEventHub>().Subscribe("test", e => e is HealthChanged { Component: "consumer" });
        await h.StartAsync();
        await NextLevelAsync(news, HealthLevel.Degraded);

        ComponentHealth consumer = h.Monitor.GetHealth("consumer")!;
        (consumer.Level, consumer.Reason).Should().Be((HealthLevel.Degraded, "failed: InvalidOperationException: broker connection reset; restart 1 of 3 within 10 s, in 2 s"));
        HealthReport report = await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        report.Status.Should().Be(HealthStatus.Degraded);
        h.Manager.OpenIncidents.Should().BeEmpty("a worker its supervisor is restarting is not an incident");

        h.Time.Advance(TimeSpan.FromSeconds(2));
        await NextLevelAsync(news, HealthLevel.Healthy);
        h.Monitor.GetHealth("ingest")!.Level.Should().Be(HealthLevel.Healthy);
        h.Services.GetRequiredService<SupervisionTree>().GetStatus("consumer")!.Restarts.Should().Be(1);
    }

    // The monitor's news about the component, read in order until it reaches the level (bounded).
    private static async Task NextLevelAsync(EventSubscription news, HealthLevel level)
    {
        while (await news.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)) is not HealthChanged { } change || change.Level != level)
        {
        }
    }

    [Fact]
    public async Task A_worker_that_exhausts_its_supervisor_is_one_incident_that_the_recovery_manager_heals_by_restarting_it()
    {
        int starts = 0;
        using var h = new RecoveryHarness(b => b.AddSupervisor("ingest", s => s
            .Backoff(TimeSpan.Zero, TimeSpan.Zero, 0)
            .AddWorker("consumer", async (_, token) =>
            {
                if (Interlocked.Increment(ref starts) <= 4)
                {
                    throw new InvalidOperationException("poison message");
                }

                await Task.Delay(Timeout.Infinite, token);
            })
            .AddWorker("indexer", (_, token) => Task.Delay(Timeout.Infinite, token))));
        await h.StartAsync();

        Incident incident = await h.ClosedAsync("consumer");
        (incident.Status, incident.RootCause, incident.Level).Should().Be((IncidentStatus.Resolved, "consumer", HealthLevel.Failed));
        incident.Attempts.Should().ContainSingle().Which.Strategy.Should().Be(RecoveryStrategy.Restart);
        incident.Timeline.Should().Contain(e => e.Message.StartsWith("consumer is Failed: consumer failed: InvalidOperationException: poison message, after 3 restarts within 10 s (allowed: 3)", StringComparison.Ordinal));
        // The supervisor that gave up joins the worker's incident, or is healthy again before its news is read:
        // either way there is one incident, on the worker.
        h.Manager.IncidentHistory.Should().ContainSingle();
        h.Manager.OpenIncidents.Should().BeEmpty();
        starts.Should().Be(5);

        var tree = h.Services.GetRequiredService<SupervisionTree>();
        tree.Workers.Should().OnlyContain(w => w.State == WorkerState.Running);
        h.Monitor.GetHealth("consumer")!.Level.Should().Be(HealthLevel.Healthy);
        h.Monitor.GetHealth("ingest")!.Level.Should().Be(HealthLevel.Healthy);
        var selfHealing = h.Services.GetRequiredService<ISelfHealing>();
        selfHealing.GetHealingLevel("consumer").Should().Be(HealingLevel.Advanced);
        selfHealing.GetHealthStatus().Components.Select(c => c.Name).Should().Contain(["ingest", "consumer", "indexer"]);
        h.Manager.Statistics.Should().ContainSingle(x => x.Strategy == RecoveryStrategy.Restart && x.Successes == 1, "the recovery was learned from");
    }

    [Fact]
    public void Bad_declarations_are_refused_with_what_was_wrong()
    {
        var services = new ServiceCollection();
        services.AddSelfHealing(b => b.AddSupervisor("jobs", s => s.AddWorker("a", (_, _) => Task.CompletedTask)));

        Action twice = () => services.AddSelfHealing(b => b.AddSupervisor("other", s => s.AddWorker("a", (_, _) => Task.CompletedTask)));
        twice.Should().Throw<ArgumentException>().WithMessage("The name 'a' is already used by another supervisor or worker; allowed: a name used once.*");
        Action empty = () => services.AddSelfHealing(b => b.AddSupervisor("empty", _ => { }));
        empty.Should().Throw<ArgumentException>().WithMessage("The supervisor 'empty' has no worker; allowed: at least one AddWorker, AddBackgroundService or AddSupervisor.*");
        Action intensity = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.RestartIntensity(-1, TimeSpan.FromSeconds(1))));
        intensity.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Supervisor 'x': maxRestarts is -1; allowed: 0 to 10000.*");
        Action window = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.RestartIntensity(1, TimeSpan.Zero)));
        window.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Supervisor 'x': within is 00:00:00; allowed: 00:00:00.0010000 to 1.00:00:00.*");
        Action backoff = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))));
        backoff.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Supervisor 'x': maximum is 00:00:01; allowed: 00:00:02 to 01:00:00.*");
        Action jitter = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.Backoff(TimeSpan.Zero, TimeSpan.Zero, double.NaN)));
        jitter.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Supervisor 'x': jitter is NaN; allowed: 0 to 1.*");
        Action policy = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.AddWorker("w", (_, _) => Task.CompletedTask, w => w.Restart((RestartPolicy)7))));
        policy.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Worker 'w': not a defined restart policy; allowed: Permanent, Transient, Temporary.*");
        Action circuit = () => services.AddSelfHealing(b => b.AddSupervisor("x", s => s.AddWorker("w2", (_, _) => Task.CompletedTask, w => w.PauseWhileOpen("bad name"))));
        circuit.Should().Throw<ArgumentException>().WithMessage("The name 'bad name' contains ' '*");
    }
}
