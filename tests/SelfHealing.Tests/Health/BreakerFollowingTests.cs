using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

/// <summary>
/// The monitor's view of circuit breakers follows their state changes at once (from the events, not the next
/// interval), and one breaker opening is one root cause, one Info alert and one warning in the log.
/// </summary>
public sealed class BreakerFollowingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private const string Weather = "circuit-breaker:weather";
    private const string AllBreakers = "selfhealing-circuit-breakers";

    [Fact]
    public async Task The_monitor_follows_a_breaker_both_ways_without_waiting_for_its_interval()
    {
        var time = new FakeTimeProvider();
        var logs = new FakeLogCollector();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
            .ConfigureHealth(o => o.DefaultInterval = TimeSpan.FromHours(1)) // and OutcomesToWorsen = 2 by default
            .AddCircuitBreaker("weather", o => { o.MinimumThroughput = 1; o.BreakDuration = TimeSpan.FromSeconds(5); }));
        using IHost host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.WhenIdle(Weather).WaitAsync(Wait);
        await monitor.WhenIdle(AllBreakers).WaitAsync(Wait);
        using EventSubscription news = host.Services.GetRequiredService<IEventHub>().Subscribe("test", e => e is HealthChanged);
        CircuitBreaker weather = host.Services.GetRequiredKeyedService<CircuitBreaker>("weather");

        await weather.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        weather.State.Should().Be(CircuitState.Open);
        (await NextChangesAsync(news, 2)).Should().Equal((Weather, HealthLevel.Degraded), (AllBreakers, HealthLevel.Degraded));
        await monitor.WhenIdle(AllBreakers).WaitAsync(Wait); // the run that published the change has raised its alert too
        SystemHealth open = monitor.GetSystemHealth();
        open.Level.Should().Be(HealthLevel.Degraded);
        open.RootCauses.Should().Equal(Weather);
        open.Affected.Should().Equal(AllBreakers);
        monitor.ActiveAlerts.Select(a => (a.Component, a.Severity)).Should().BeEquivalentTo(new[] { (Weather, AlertSeverity.Info), (AllBreakers, AlertSeverity.Info) });
        (await new HealthMonitorHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Degraded);

        time.Advance(TimeSpan.FromSeconds(5));
        weather.State.Should().Be(CircuitState.HalfOpen);
        await weather.ExecuteAsync(_ => new ValueTask<int>(1));
        weather.State.Should().Be(CircuitState.Closed);
        // Half-open then closed in quick succession: both come back, in an order the test does not pin.
        (await NextChangesAsync(news, 2)).Should().BeEquivalentTo(new[] { (Weather, HealthLevel.Healthy), (AllBreakers, HealthLevel.Healthy) });
        await monitor.WhenIdle(AllBreakers).WaitAsync(Wait);
        monitor.ActiveAlerts.Should().BeEmpty();
        await host.StopAsync();

        logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => r.Id.Id)
            .Should().Equal([2001], "one outage is one warning: the breaker's own, when it opens");
    }

    [Fact]
    public async Task A_check_that_does_not_follow_breakers_keeps_the_consecutive_rule()
    {
        var check = new SwitchableCheck();
        using IHost host = DbHost(new FakeTimeProvider(), check);
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.WhenIdle("db").WaitAsync(Wait);

        check.Result = HealthCheckResult.Unhealthy("down");
        await monitor.CheckNowAsync("db");
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy, "one bad outcome of an ordinary check is not enough");
        await monitor.CheckNowAsync("db");
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Critical);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_breaker_and_its_component_in_trouble_together_are_one_root_cause_the_component()
    {
        var db = new SwitchableCheck();
        using IHost host = DbHost(new FakeTimeProvider(), db, b => b
            .ConfigureHealth(o => o.OutcomesToWorsen = 1)
            .AddHealthComponent("db", c => c.Interval(TimeSpan.FromHours(1)))
            .AddCircuitBreaker("db", o => { o.MinimumThroughput = 1; o.BreakDuration = TimeSpan.FromMinutes(5); }));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        const string DbBreaker = "circuit-breaker:db";
        foreach (string name in new[] { "db", DbBreaker, AllBreakers })
        {
            await monitor.WhenIdle(name).WaitAsync(Wait);
        }

        monitor.GetHealth(DbBreaker)!.DependsOn.Should().Equal("db");
        using EventSubscription news = host.Services.GetRequiredService<IEventHub>().Subscribe("test", e => e is HealthChanged);
        CircuitBreaker breaker = host.Services.GetRequiredKeyedService<CircuitBreaker>("db");

        // The breaker opens first, while the database's own check still says healthy: the breaker is its own cause.
        await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await NextChangesAsync(news, 2);
        await monitor.WhenIdle(AllBreakers).WaitAsync(Wait);
        monitor.GetSystemHealth().RootCauses.Should().Equal(DbBreaker);

        // Then the database's check fails too: one root cause, the database; its breaker is affected by it.
        db.Result = HealthCheckResult.Unhealthy("connection refused");
        await monitor.CheckNowAsync("db");
        SystemHealth down = monitor.GetSystemHealth();
        down.RootCauses.Should().Equal("db");
        down.Affected.Should().BeEquivalentTo(DbBreaker, AllBreakers);
        monitor.GetHealth(DbBreaker)!.AffectedBy.Should().Equal("db");
        await host.StopAsync();
    }

    // A host on a fake clock with a health check "db", process metrics off and checks hourly unless asked for.
    private static IHost DbHost(FakeTimeProvider time, SwitchableCheck db, Func<ISelfHealingBuilder, ISelfHealingBuilder>? more = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddHealthChecks().AddCheck("db", db);
        builder.Services.AddSelfHealing(b =>
        {
            b.ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
                .ConfigureHealth(o => o.DefaultInterval = TimeSpan.FromHours(1));
            more?.Invoke(b);
        });
        return builder.Build();
    }

    private static async Task<List<(string Component, HealthLevel Level)>> NextChangesAsync(EventSubscription news, int count)
    {
        var changes = new List<(string, HealthLevel)>();
        while (changes.Count < count)
        {
            var change = (HealthChanged)await news.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            changes.Add((change.Component, change.Level));
        }

        return changes;
    }
}
