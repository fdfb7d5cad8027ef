using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

/// <summary>Three replicas' recovery managers and one shared database: the lease lets one replica restart it.</summary>
public sealed class SharedRecoveryTests
{
    private sealed class SharedDatabase
    {
        private int _restarts;

        public volatile bool Down;

        public int Restarts => Volatile.Read(ref _restarts);

        public TimeSpan RestartTakes { get; init; } = TimeSpan.FromMilliseconds(100);

        public async ValueTask RestartAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _restarts);
            await Task.Delay(RestartTakes, cancellationToken);
            Down = false;
        }
    }

    [Fact]
    public async Task When_every_replica_sees_the_shared_database_down_one_restarts_it_and_the_others_wait_for_the_result()
    {
        var database = new SharedDatabase();
        await using ClusterHarness cluster = await StartAsync(database, leaseDuration: TimeSpan.FromSeconds(30));
        await cluster.LeaderAsync();

        database.Down = true;

        RecoveryManager[] managers = await ResolvedEverywhereAsync(cluster);
        database.Restarts.Should().Be(1, "only the lease holder restarts the shared database");
        RecoveryAttempt[] attempts = [.. managers.Select(m => m.IncidentHistory.Single(i => i.Component == "orders-db").Attempts.Single())];
        attempts.Count(a => a.LeftTo is null).Should().Be(1, "one replica acted");

        // A replica that asked while the holder acted names it; one that asked after the lease was given back finds
        // the database working again and does not act either.
        attempts.Where(a => a.LeftTo is not null).Should().HaveCount(2)
            .And.OnlyContain(a => a.Succeeded && (cluster.Members.ContainsKey(a.LeftTo!) || a.LeftTo == "an earlier holder of the lease"));
        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Seen<HealingExecuted>().Any(e => e.Lease.Target == "orders-db" && e.Succeeded == true)), ClusterHarness.Bound);
    }

    [Fact]
    public async Task A_restart_that_outlasts_the_lease_keeps_it_by_renewal()
    {
        var database = new SharedDatabase { RestartTakes = TimeSpan.FromSeconds(8) };

        // The others verify for half a second, wait a second and ask again, many times: an unrenewed three-second
        // lease would lapse while they keep asking, and they would restart the database too. The holder counts its
        // lease for 2.25 s on its own clock and renews 0.75 s in, so a commit may stall 1.5 s (a loaded CI machine
        // running other clusters' tests stalled one 0.7 s) before the holder gives up its own restart.
        await using ClusterHarness cluster = await StartAsync(database, leaseDuration: TimeSpan.FromSeconds(3), verification: TimeSpan.FromSeconds(0.5), retries: 10);
        await cluster.LeaderAsync();

        database.Down = true;

        RecoveryManager[] managers = await ResolvedEverywhereAsync(cluster);
        database.Restarts.Should().Be(1, "the holder renewed its three-second lease through a restart of 8 s; {0}", Timelines(managers));
    }

    private static string Timelines(RecoveryManager[] managers) => string.Join(
        " | ",
        managers.Select(m => string.Join("; ", m.IncidentHistory.SelectMany(i => i.Timeline).Select(e => $"{e.Time:HH:mm:ss.fff} {e.Message}"))));

    private static async Task<RecoveryManager[]> ResolvedEverywhereAsync(ClusterHarness cluster)
    {
        RecoveryManager[] managers = [.. cluster.Running.Select(n => n.Host.Services.GetRequiredService<RecoveryManager>())];
        await Eventually.UntilAsync(
            () => managers.All(m => m.IncidentHistory.Any(i => i.Component == "orders-db" && i.Status == IncidentStatus.Resolved)),
            ClusterHarness.Bound,
            "every replica's incident should resolve");
        return managers;
    }

    private static Task<ClusterHarness> StartAsync(SharedDatabase database, TimeSpan leaseDuration, TimeSpan? verification = null, int retries = 1) =>
        ClusterHarness.StartAsync(3, (_, o) => o.DefaultLeaseDuration = leaseDuration, build: (_, b) => b
            .AddHealthComponent("orders-db", c => c
                .UseProbe(_ => new ValueTask<HealthMetrics>(new HealthMetrics { ErrorRate = database.Down ? 1 : 0 }))
                .Interval(TimeSpan.FromMilliseconds(100))
                .Threshold(HealthMetricNames.ErrorRate, t => { t.Degraded = 0.2; t.Critical = 0.5; t.SamplesToWorsen = 1; t.SamplesToRecover = 1; }))
            .AddHealableComponent("orders-db", h => h.SharedAs("orders-db").OnRestart(database.RestartAsync))
            .AddRecoveryPlan(p => { p.FailureType = FailureTypes.Critical; p.Component = "orders-db"; p.MaxRetries = retries; p.BackoffFactor = 1; })
            .ConfigureRecovery(o => { o.VerificationInterval = TimeSpan.FromMilliseconds(100); o.VerificationTimeout = verification ?? TimeSpan.FromSeconds(10); })
            .ConfigureHealth(o => o.LogAlerts = false));
}
