using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Recovery;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Recovery;

/// <summary>A healable component is resolved in a scope per recovery run, so it may use scoped services.</summary>
public sealed class ScopedComponentTests
{
    private static SwitchableCheck? s_check;
    private static int s_created;
    private static int s_disposed;

    [Fact]
    public async Task Each_run_resolves_the_component_in_its_own_scope_and_disposes_it_after()
    {
        (s_created, s_disposed) = (0, 0);
        using var h = new RecoveryHarness(b =>
        {
            b.Services.AddScoped<DbConnection>();
            b.AddHealableComponent<DbHealing>("db");
        });
        s_check = h.Checks["db"];
        await h.StartAsync();
        (Volatile.Read(ref s_created), Volatile.Read(ref s_disposed)).Should().Be((0, 0), "nothing is resolved before a run needs it");

        for (int outage = 1; outage <= 2; outage++)
        {
            await h.SetAsync("db", HealthStatus.Unhealthy, "connection reset");
            Incident incident = await h.ClosedAsync("db", closedBefore: outage - 1);
            incident.Status.Should().Be(IncidentStatus.Resolved);
            await h.Manager.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10)); // the run announces the resolution, then leaves its scope
            (Volatile.Read(ref s_created), Volatile.Read(ref s_disposed)).Should().Be((outage, outage), "one scope per run, disposed when it ends");
        }
    }

    private sealed class DbConnection : IDisposable
    {
        public DbConnection() => Interlocked.Increment(ref s_created);

        public bool Reset { get; private set; }

        public void Open() => Reset = true;

        public void Dispose() => Interlocked.Increment(ref s_disposed);
    }

    private sealed class DbHealing(DbConnection connection) : HealableComponent
    {
        public override RecoveryCapabilities Capabilities => RecoveryCapabilities.Restart;

        public override ValueTask RestartAsync(CancellationToken cancellationToken)
        {
            connection.Open();
            s_check!.Result = HealthCheckResult.Healthy();
            return ValueTask.CompletedTask;
        }
    }
}
