using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Storage;

namespace SelfHealing.Tests.Recovery;

/// <summary>The recovery manager alone, behind its seams: a scripted health view and configuration versions, no monitor, no host.</summary>
public sealed class RecoverySeamTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly EventHub _hub = new();
    private readonly ScriptedHealth _health;
    private readonly RecordedVersions _versions = new(new Dictionary<string, object>(StringComparer.Ordinal) { ["Cache:Size"] = 256L });
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();

    public RecoverySeamTests() => _health = new ScriptedHealth { Time = _time };

    public void Dispose()
    {
        _hub.Dispose();
        _services.Dispose();
    }

    private RecoveryManager Manager(RecoveryOptions options, params HealableComponentBuilder[] components) => new(
        new FixedOptions<RecoveryOptions>(options),
        _health,
        _hub,
        new InMemoryStateStore(),
        _time,
        _services,
        [.. components.Select(c => c.Build())],
        approval: null,
        sinks: null,
        logger: null,
        configuration: _versions,
        leases: null);

    // Starts the manager, reports the component at the level as the monitor would (the view agrees), and returns the
    // incident once it is resolved or escalated.
    private async Task<Incident> IncidentAsync(RecoveryManager manager, string component, HealthLevel level, string reason)
    {
        using EventSubscription changes = _hub.Subscribe("test", e => e is IncidentChanged);
        await manager.StartAsync(CancellationToken.None);
        _health.Set(component, level);
        manager.OnEvent(new HealthChanged("test", _time.GetUtcNow(), component, HealthLevel.Healthy, level, reason));
        Incident closed = await ClosedAsync(changes);
        await manager.StopAsync(CancellationToken.None);
        return closed;
    }

    private static async Task<Incident> ClosedAsync(EventSubscription changes)
    {
        while (true)
        {
            var changed = (IncidentChanged)await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (changed.Incident.Status is IncidentStatus.Resolved or IncidentStatus.Escalated)
            {
                return changed.Incident;
            }
        }
    }

    [Fact]
    public async Task A_restart_is_verified_through_the_health_view_it_was_given()
    {
        int restarts = 0;
        var db = new HealableComponentBuilder("db").OnRestart(_ =>
        {
            restarts++;
            _health.Set("db", HealthLevel.Healthy);
            return ValueTask.CompletedTask;
        });
        using RecoveryManager manager = Manager(new RecoveryOptions(), db);

        Incident closed = await IncidentAsync(manager, "db", HealthLevel.Failed, "connection refused");

        closed.Status.Should().Be(IncidentStatus.Resolved);
        restarts.Should().Be(1);
        _health.Checks.Should().BeGreaterThan(0, "verification asked the view to check now");
    }

    [Fact]
    public async Task A_reconfiguration_that_makes_things_worse_is_rolled_back_through_the_versions_it_was_given()
    {
        var cache = new HealableComponentBuilder("cache").OnReconfigure((_, _) => ValueTask.CompletedTask);
        var options = new RecoveryOptions { VerificationTimeout = TimeSpan.FromSeconds(2) };
        _health.CheckTakes = TimeSpan.FromSeconds(2); // one check uses up the verification time: no waiting on the clock
        options.Plans.Add(new RecoveryPlan { FailureType = "Critical", Component = "cache", Primary = RecoveryStrategy.Reconfigure, MaxRetries = 0, Parameters = { ["Cache:Size"] = "64" } });
        _versions.OnUpdate = () => _health.Set("cache", HealthLevel.Failed); // the change hurts
        using RecoveryManager manager = Manager(options, cache);

        Incident closed = await IncidentAsync(manager, "cache", HealthLevel.Critical, "evictions");

        closed.Status.Should().Be(IncidentStatus.Escalated);
        _versions.Updates.Should().ContainSingle().Which["Cache:Size"].Should().Be("64");
        _versions.RolledBackTo.Should().Equal(1L);
    }
}
