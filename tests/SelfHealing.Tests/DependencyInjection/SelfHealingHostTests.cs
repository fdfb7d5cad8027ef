using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;

namespace SelfHealing.Tests.DependencyInjection;

/// <summary>SelfHealing inside a real Generic Host, as an application uses it.</summary>
public sealed class SelfHealingHostTests
{
    private static HostApplicationBuilder CreateBuilder(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        return builder;
    }

    [Fact]
    public async Task Declared_breakers_exist_at_start_and_can_be_injected_by_name()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("payments", o => o.MinimumThroughput = 2)
            .AddCircuitBreaker("inventory"));
        using IHost host = builder.Build();
        await host.StartAsync();

        var registry = host.Services.GetRequiredService<CircuitBreakerRegistry>();
        registry.Breakers.Select(b => b.Name).Should().Equal("inventory", "payments");
        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");
        payments.Should().BeSameAs(registry.GetOrCreate("payments"));

        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        payments.State.Should().Be(CircuitState.Open);
        await host.StopAsync();
    }

    [Fact]
    public async Task Configuration_overrides_code_and_reloads_without_losing_state_or_counts()
    {
        HostApplicationBuilder builder = CreateBuilder(new()
        {
            ["SelfHealing:CircuitBreakers:payments:MinimumThroughput"] = "100",
            ["SelfHealing:CircuitBreakers:payments:BreakDuration"] = "00:00:30",
        });
        builder.Services.AddSelfHealing(b => b.AddCircuitBreaker("payments", o => { o.MinimumThroughput = 2; o.FailureRatio = 0.9; }));
        using IHost host = builder.Build();
        await host.StartAsync();
        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");

        for (int i = 0; i < 3; i++)
        {
            await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        }

        payments.State.Should().Be(CircuitState.Closed, "configuration raised the minimum throughput to 100");
        payments.FailureThreshold.Should().Be(0.9, "code set the ratio and configuration left it alone");

        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["SelfHealing:CircuitBreakers:payments:MinimumThroughput"] = "4";
        configuration.Reload();

        payments.GetSnapshot().FailedCalls.Should().Be(3, "the reload kept the counts");
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        payments.State.Should().Be(CircuitState.Open);
        host.Services.GetRequiredService<IEventHub>().Should().NotBeNull();
        await host.StopAsync();
    }

    [Fact]
    public async Task Bad_reload_is_logged_and_the_previous_options_stay()
    {
        var logs = new FakeLogCollector();
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:CircuitBreakers:payments:MinimumThroughput"] = "2" });
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSelfHealing(b => b.AddCircuitBreaker("payments"));
        using IHost host = builder.Build();
        await host.StartAsync();
        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");

        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["SelfHealing:CircuitBreakers:payments:FailureRatio"] = "3";
        configuration.Reload();

        logs.GetSnapshot().Should().Contain(r => r.Id.Id == 1101 && r.Level == LogLevel.Error && r.Message.Contains("SelfHealing:CircuitBreakers:payments:FailureRatio is 3"));
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        payments.State.Should().Be(CircuitState.Open, "the old minimum throughput of 2 still applies");
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_options_stop_start_up_with_a_message_naming_key_value_and_range()
    {
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:CircuitBreakers:payments:FailureRatio"] = "1.5" });
        builder.Services.AddSelfHealing(b => b.AddCircuitBreaker("payments", o => o.HalfOpenProbes = 0));
        using IHost host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        OptionsValidationException error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Failures.Should().Contain("SelfHealing:CircuitBreakers:payments:FailureRatio is 1.5; allowed: greater than 0 and at most 1.");
        error.Failures.Should().Contain("SelfHealing:CircuitBreakers:payments:HalfOpenProbes is 0; allowed: 1 to 1,000.");
    }

    [Fact]
    public async Task Invalid_event_hub_options_stop_start_up()
    {
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:Events:PriorityCapacity"] = "0" });
        builder.Services.AddSelfHealing();
        using IHost host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures
            .Should().Contain("SelfHealing:Events:PriorityCapacity is 0; allowed: 1 to 1,048,576.");
    }

    [Fact]
    public async Task Every_breaker_shows_up_in_health_checks()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("payments", o => o.MinimumThroughput = 1)
            .AddCircuitBreaker("inventory"));
        using IHost host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReport healthy = await health.CheckHealthAsync();
        healthy.Status.Should().Be(HealthStatus.Healthy);
        healthy.Entries.Keys.Should().BeEquivalentTo("selfhealing-health", "selfhealing-circuit-breakers", "circuit-breaker:payments", "circuit-breaker:inventory");

        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("created-later");

        HealthReport broken = await health.CheckHealthAsync();
        broken.Status.Should().Be(HealthStatus.Degraded, "an open breaker means the app is handling the outage: it stays in rotation");
        broken.Entries["circuit-breaker:payments"].Status.Should().Be(HealthStatus.Degraded);
        broken.Entries["circuit-breaker:inventory"].Status.Should().Be(HealthStatus.Healthy);
        broken.Entries["selfhealing-circuit-breakers"].Data.Should().ContainKey("created-later");
        broken.Entries["selfhealing-circuit-breakers"].Description.Should().Be("1 of 3 circuits are not closed: payments (Open).");
        broken.Entries["circuit-breaker:payments"].Tags.Should().Contain("selfhealing");

        var time = (FakeTimeProvider)host.Services.GetRequiredService<TimeProvider>();
        time.Advance(TimeSpan.FromSeconds(5));
        (await health.CheckHealthAsync(r => r.Name == "circuit-breaker:payments")).Status.Should().Be(HealthStatus.Degraded, "half-open");
        await host.StopAsync();
    }

    [Fact]
    public async Task The_monitor_can_leave_the_apps_own_health_checks_alone()
    {
        HostApplicationBuilder builder = CreateBuilder();
        int dbRuns = 0;
        builder.Services.AddHealthChecks()
            .AddCheck("db", () => { Interlocked.Increment(ref dbRuns); return HealthCheckResult.Healthy(); })
            .AddCheck("orders", () => HealthCheckResult.Healthy());
        builder.Services.AddSelfHealing(b => b
            .ConfigureHealth(o => o.WatchHealthChecks = false)
            .AddHealthComponent("orders", _ => { })   // declared: still watched
            .AddCircuitBreaker("payments"));
        using IHost host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.CheckNowAsync();

        monitor.Components.Select(c => c.Name).Should().BeEquivalentTo("orders", "circuit-breaker:payments", "selfhealing-circuit-breakers");
        dbRuns.Should().Be(0, "the monitor does not run a check the app did not hand it");
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name)
            .Should().Contain("selfhealing-health:orders").And.NotContain("selfhealing-health:db");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_breaker_the_app_cannot_do_without_can_report_unhealthy_when_open()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("ledger", o => { o.MinimumThroughput = 1; o.HealthWhenOpen = HealthStatus.Unhealthy; })
            .AddCircuitBreaker("recommendations", o => o.MinimumThroughput = 1));
        using IHost host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        await host.Services.GetRequiredKeyedService<CircuitBreaker>("recommendations").ExecuteAsync<int>(_ => throw new InvalidOperationException());
        (await health.CheckHealthAsync()).Status.Should().Be(HealthStatus.Degraded);

        await host.Services.GetRequiredKeyedService<CircuitBreaker>("ledger").ExecuteAsync<int>(_ => throw new InvalidOperationException());
        HealthReport report = await health.CheckHealthAsync();
        report.Entries["circuit-breaker:ledger"].Status.Should().Be(HealthStatus.Unhealthy);
        report.Entries["circuit-breaker:recommendations"].Status.Should().Be(HealthStatus.Degraded);
        report.Entries["selfhealing-circuit-breakers"].Status.Should().Be(HealthStatus.Unhealthy, "the worst breaker, by its own mapping");
        await host.StopAsync();
    }

    [Fact]
    public async Task Calls_transitions_and_states_are_published_as_metrics()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealing(b => b.AddCircuitBreaker("payments", o => o.MinimumThroughput = 3));
        using IHost host = builder.Build();
        await host.StartAsync();
        var meterFactory = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var calls = new MetricCollector<long>(meterFactory, SelfHealingMeter.Name, SelfHealingMeter.CircuitCalls);
        using var transitions = new MetricCollector<long>(meterFactory, SelfHealingMeter.Name, SelfHealingMeter.CircuitTransitions);
        using var states = new MetricCollector<int>(meterFactory, SelfHealingMeter.Name, SelfHealingMeter.CircuitState);
        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");

        await payments.ExecuteAsync(_ => new ValueTask<int>(1));
        await payments.ExecuteAsync<int>(_ => throw new TimeoutException());
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await payments.ExecuteAsync(_ => new ValueTask<int>(1));

        // The call counter is observable: the breaker's totals by outcome, read when collected.
        calls.RecordObservableInstruments();
        calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags[SelfHealingMeter.OutcomeTag]!, m.Value))
            .Should().BeEquivalentTo([("success", 1L), ("timeout", 1L), ("failure", 1L), ("rejected", 1L)], "the circuit opened after three calls, so the fourth was rejected");
        await payments.ExecuteAsync(_ => new ValueTask<int>(1));
        calls.RecordObservableInstruments();
        calls.GetMeasurementSnapshot().Skip(4).Select(m => ((string)m.Tags[SelfHealingMeter.OutcomeTag]!, m.Value))
            .Should().BeEquivalentTo([("success", 1L), ("timeout", 1L), ("failure", 1L), ("rejected", 2L)], "totals since the counter was first listened to");
        calls.GetMeasurementSnapshot().Should().OnlyContain(m => (string)m.Tags[SelfHealingMeter.CircuitNameTag]! == "payments");
        transitions.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags[SelfHealingMeter.StateTag].Should().Be("open");
        states.RecordObservableInstruments();
        states.GetMeasurementSnapshot().Should().Contain(m => m.Value == (int)CircuitState.Open && (string)m.Tags[SelfHealingMeter.CircuitNameTag]! == "payments");
        await host.StopAsync();
    }

    [Fact]
    public async Task State_changes_reach_hub_subscribers_and_stopping_the_host_completes_them()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealing(b => b.AddCircuitBreaker("payments", o => o.MinimumThroughput = 1));
        using IHost host = builder.Build();
        await host.StartAsync();
        using EventSubscription subscription = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        await host.Services.GetRequiredKeyedService<CircuitBreaker>("payments").ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await host.StopAsync();

        var received = new List<SelfHealingEvent>();
        await foreach (SelfHealingEvent e in subscription.Reader.ReadAllAsync())
        {
            received.Add(e);
        }

        // The monitor follows the breaker too, so health news may come with it.
        received.OfType<CircuitStateChanged>().Should().ContainSingle().Which.State.Should().Be(CircuitState.Open);
        received.Should().OnlyContain(e => e is CircuitStateChanged || e is HealthChanged);
    }

    [Fact]
    public async Task Undeclared_breakers_take_their_options_from_configuration()
    {
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:CircuitBreakers:search:WindowKind"] = "CountBased", ["SelfHealing:CircuitBreakers:search:WindowSize"] = "3", ["SelfHealing:CircuitBreakers:search:MinimumThroughput"] = "3" });
        builder.Services.AddSelfHealing();
        using IHost host = builder.Build();
        await host.StartAsync();
        CircuitBreaker search = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("search");
        for (int i = 0; i < 5; i++)
        {
            await search.ExecuteAsync(_ => new ValueTask<int>(1));
        }

        search.GetSnapshot().TotalCalls.Should().Be(3);
        await host.StopAsync();
    }

    [Fact]
    public void Registry_reports_invalid_configured_options_and_can_create_the_breaker_once_fixed()
    {
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:CircuitBreakers:search:BucketCount"] = "0" });
        builder.Services.AddSelfHealing();
        using IHost host = builder.Build();
        var registry = host.Services.GetRequiredService<CircuitBreakerRegistry>();
        Action create = () => registry.GetOrCreate("search");
        create.Should().Throw<OptionsValidationException>().WithMessage("*SelfHealing:CircuitBreakers:search:BucketCount is 0*");
        registry.TryGet("search", out _).Should().BeFalse();
        host.Services.GetRequiredService<IConfiguration>()["SelfHealing:CircuitBreakers:search:BucketCount"] = "5";
        registry.GetOrCreate("search").Name.Should().Be("search");
    }

    [Fact]
    public void Adding_twice_registers_each_service_once()
    {
        var services = new ServiceCollection();
        services.AddSelfHealing(b => b.AddCircuitBreaker("a"));
        services.AddSelfHealing(b => b.AddCircuitBreaker("a").AddCircuitBreaker("b"));
        services.Count(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SelfHealing.DependencyInjection.SelfHealingHostedService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(EventHub)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(CircuitBreaker) && Equals(d.ServiceKey, "a")).Should().Be(1);
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name)
            .Should().BeEquivalentTo("selfhealing-health", "selfhealing-circuit-breakers", "circuit-breaker:a", "circuit-breaker:b");
    }

    [Fact]
    public void Works_without_a_host_or_configuration()
    {
        var services = new ServiceCollection();
        services.AddSelfHealing(b => b.AddCircuitBreaker("plain", o => o.MinimumThroughput = 1));
        using ServiceProvider provider = services.BuildServiceProvider();
        CircuitBreaker plain = provider.GetRequiredKeyedService<CircuitBreaker>("plain");
        plain.GetSnapshot().FailureThreshold.Should().Be(0.5);
    }

    [Fact]
    public void Builder_rejects_bad_arguments()
    {
        var services = new ServiceCollection();
        Action badName = () => services.AddSelfHealing(b => b.AddCircuitBreaker("bad name"));
        badName.Should().Throw<ArgumentException>().WithMessage("*contains ' '*");
        Action nullServices = () => ((IServiceCollection)null!).AddSelfHealing();
        nullServices.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task The_collector_starts_with_the_host_takes_its_options_from_configuration_and_sees_breaker_calls()
    {
        HostApplicationBuilder builder = CreateBuilder(new()
        {
            ["SelfHealing:Metrics:MaxSeriesPerMetric"] = "7",
            ["SelfHealing:Metrics:CollectProcessMetrics"] = "false",
            ["SelfHealing:Metrics:Anomalies:Threshold"] = "0.4",
        });
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("metrics-host")
            .ConfigureMetrics(o => o.MaxSeriesPerMetric = 3));
        using IHost host = builder.Build();
        await host.StartAsync();
        var time = (FakeTimeProvider)host.Services.GetRequiredService<TimeProvider>();
        IMetricsCollector metrics = host.Services.GetRequiredService<IMetricsCollector>();
        metrics.Should().BeSameAs(host.Services.GetRequiredService<MetricsCollector>());
        host.Services.GetRequiredService<IOptions<MetricsCollectorOptions>>().Value.MaxSeriesPerMetric.Should().Be(7, "configuration overrides code");
        host.Services.GetRequiredService<IOptions<MetricsCollectorOptions>>().Value.Anomalies.Threshold.Should().Be(0.4);

        CircuitBreaker breaker = host.Services.GetRequiredKeyedService<CircuitBreaker>("metrics-host");
        await breaker.ExecuteAsync(_ => ValueTask.FromResult(1));
        await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        time.Advance(TimeSpan.FromSeconds(1));
        AggregatedMetric calls = await metrics.AggregateAsync(
            SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), MetricTags.From(new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, "metrics-host")));
        calls.Sum.Should().Be(2);
        metrics.MetricNames.Should().NotContain(ProcessMetricNames.WorkingSet);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bad_collector_option_stops_start_up_with_its_key()
    {
        HostApplicationBuilder builder = CreateBuilder(new() { ["SelfHealing:Metrics:QuantileStep"] = "00:00:00.5" });
        builder.Services.AddSelfHealing();
        using IHost host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures
            .Should().ContainSingle(f => f.StartsWith("SelfHealing:Metrics:QuantileStep is 00:00:00.5000000", StringComparison.Ordinal));
    }
}
