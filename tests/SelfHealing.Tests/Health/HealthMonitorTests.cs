using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

/// <summary>The monitor inside a real Generic Host, over real <see cref="IHealthCheck"/> registrations.</summary>
public sealed class HealthMonitorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly SwitchableCheck _db = new();
    private int _dbRuns;

    private IHost Build(Dictionary<string, string?>? settings = null, Action<HealthMonitorOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("db", _ => { Interlocked.Increment(ref _dbRuns); return _db; }, null, ["storage"]));
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
            .ConfigureHealth(o => { o.OutcomesToWorsen = 2; o.OutcomesToRecover = 2; configure?.Invoke(o); }));
        return builder.Build();
    }

    [Fact]
    public async Task A_signal_sent_before_the_monitor_starts_or_after_it_stops_does_not_apply_and_does_not_hang()
    {
        using IHost host = Build();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        (await monitor.SignalAsync(new HealthSignal.CheckHealth()).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse("nobody reads signals yet");

        await host.StartAsync();
        (await monitor.SignalAsync(new HealthSignal.CheckHealth()).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        await host.StopAsync();
        (await monitor.SignalAsync(new HealthSignal.CheckHealth()).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse("the monitor has stopped");
    }

    [Fact]
    public async Task A_component_that_turns_bad_is_reported_once_enough_checks_agree_and_again_when_it_recovers()
    {
        using IHost host = Build();
        using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.CheckNowAsync("db"); // waits for the first run, started with the host
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy);

        _db.Result = HealthCheckResult.Unhealthy("connection refused");
        await monitor.CheckNowAsync("db");
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy, "one bad outcome moves nothing");
        await monitor.CheckNowAsync("db");
        ComponentHealth bad = monitor.GetHealth("db")!;
        (bad.Level, bad.Reason, bad.Since).Should().Be((HealthLevel.Critical, "connection refused", _time.GetUtcNow()));

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        HealthReportEntry view = report.Entries[SelfHealingServiceCollectionExtensions.HealthMonitorHealthCheckName];
        (view.Status, view.Description).Should().Be((HealthStatus.Unhealthy, "db is Critical: connection refused"));
        monitor.GetHealth(SelfHealingServiceCollectionExtensions.HealthMonitorHealthCheckName).Should().BeNull("the monitor does not watch its own view");

        _db.Result = HealthCheckResult.Healthy();
        await monitor.CheckNowAsync("db");
        await monitor.CheckNowAsync("db");
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Healthy);

        await host.StopAsync();
        var changes = new List<HealthChanged>();
        await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
        {
            if (e is HealthChanged change && change.Component == "db")
            {
                changes.Add(change);
            }
        }

        changes.Select(c => (c.PreviousLevel, c.Level)).Should().Equal((HealthLevel.Healthy, HealthLevel.Critical), (HealthLevel.Critical, HealthLevel.Healthy));
        changes[0].Reason.Should().Be("connection refused");
        changes[0].Delivery.Should().Be(EventDelivery.Priority);
    }

    [Fact]
    public async Task Each_check_runs_on_its_configured_interval_and_the_interval_can_change()
    {
        using IHost host = Build(new() { ["SelfHealing:Health:Intervals:db"] = "00:00:05" });
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10)); // the first run, started with the host
        Volatile.Read(ref _dbRuns).Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Volatile.Read(ref _dbRuns).Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Volatile.Read(ref _dbRuns).Should().Be(2);
        await monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10)); // that run has ended and scheduled the next
        monitor.SetInterval("db", TimeSpan.FromSeconds(1)).Should().BeTrue();
        monitor.SetInterval("nothing", TimeSpan.FromSeconds(1)).Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(1));
        Volatile.Read(ref _dbRuns).Should().Be(3);
        monitor.Components.Select(c => c.Name).Should().Contain("db");
        await host.StopAsync();
    }

    [Fact]
    public async Task Signals_check_now_adjust_the_rate_and_shut_the_monitor_down()
    {
        using IHost host = Build(new() { ["SelfHealing:Health:DefaultInterval"] = "00:01:00" });
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10));
        Volatile.Read(ref _dbRuns).Should().Be(1);

        _db.Result = HealthCheckResult.Unhealthy("down");
        (await monitor.SignalAsync(new HealthSignal.ComponentUpdated("db"))).Should().BeTrue();
        (await monitor.SignalAsync(new HealthSignal.CheckHealth())).Should().BeTrue();
        Volatile.Read(ref _dbRuns).Should().Be(3);
        monitor.GetHealth("db")!.Level.Should().Be(HealthLevel.Critical, "two outcomes in a row agreed");
        (await monitor.SignalAsync(new HealthSignal.CheckHealth("nothing"))).Should().BeFalse();

        await monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10));
        (await monitor.SignalAsync(new HealthSignal.AdjustMonitorRate(TimeSpan.FromSeconds(2)))).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(2));
        Volatile.Read(ref _dbRuns).Should().Be(4);
        Func<Task> badRate = () => monitor.SignalAsync(new HealthSignal.AdjustMonitorRate(TimeSpan.Zero));
        await badRate.Should().ThrowAsync<ArgumentOutOfRangeException>();

        await monitor.WhenIdle("db").WaitAsync(TimeSpan.FromSeconds(10));
        (await monitor.SignalAsync(new HealthSignal.Shutdown())).Should().BeTrue();
        _time.Advance(TimeSpan.FromMinutes(5));
        Volatile.Read(ref _dbRuns).Should().Be(4, "a monitor that was shut down checks nothing");
        (await monitor.SignalAsync(new HealthSignal.CheckHealth())).Should().BeFalse();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bad_monitor_option_stops_start_up_with_its_key()
    {
        using IHost host = Build(new() { ["SelfHealing:Health:Intervals:db"] = "00:00:00.010" });
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures
            .Should().ContainSingle(f => f.StartsWith("SelfHealing:Health:Intervals:db is 00:00:00.0100000; allowed: 00:00:00.1000000 to 01:00:00", StringComparison.Ordinal));
    }
}
