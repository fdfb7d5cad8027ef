using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

/// <summary>Declared components (probes, thresholds, collector values, reports, dependencies) and alerts, in a real Generic Host.</summary>
public sealed class HealthComponentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SignallingClock _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
    private readonly SwitchableCheck _db = new();
    private readonly CollectingSink _sink = new();

    private IHost Build(Action<ISelfHealingBuilder> configure, Dictionary<string, string?>? settings = null, Action<HealthMonitorOptions>? options = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddHealthChecks().AddCheck("db", _db);
        builder.Services.AddSelfHealing(b =>
        {
            b.ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
             .ConfigureHealth(o =>
             {
                 o.DefaultInterval = TimeSpan.FromMinutes(1);
                 o.OutcomesToWorsen = 1;
                 o.OutcomesToRecover = 1;
                 o.LogAlerts = false;
                 options?.Invoke(o);
             })
             .AddHealthAlertSink(_sink);
            configure(b);
        });
        return builder.Build();
    }

    private static async Task<HealthMonitor> StartAsync(IHost host, params string[] scheduled)
    {
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        foreach (string name in scheduled.Append("db"))
        {
            await monitor.WhenIdle(name).WaitAsync(Wait); // the first run, started with the host
        }

        return monitor;
    }

    [Fact]
    public async Task A_probe_s_values_go_through_thresholds_into_the_level_the_history_and_the_component_s_health_check()
    {
        double errorRate = 0.01;
        using IHost host = Build(b => b.AddHealthComponent("orders", c => c
            .UseProbe(_ => ValueTask.FromResult(new HealthMetrics { ErrorRate = Volatile.Read(ref errorRate), ResponseTime = TimeSpan.FromMilliseconds(20) }))
            .Threshold(HealthMetricNames.ErrorRate, t => { t.Degraded = 0.05; t.Critical = 0.2; t.SamplesToWorsen = 2; })));
        HealthMonitor monitor = await StartAsync(host, "orders");
        ComponentHealth first = monitor.GetHealth("orders")!;
        (first.Level, first.Metrics[HealthMetricNames.ErrorRate], first.Metrics[HealthMetricNames.ResponseTime]).Should().Be((HealthLevel.Healthy, 0.01, 20.0));

        Volatile.Write(ref errorRate, 0.3);
        await monitor.CheckNowAsync("orders");
        monitor.GetHealth("orders")!.Level.Should().Be(HealthLevel.Healthy, "one sample past the threshold moves nothing");
        await monitor.CheckNowAsync("orders");
        ComponentHealth bad = monitor.GetHealth("orders")!;
        (bad.Level, bad.Reason).Should().Be((HealthLevel.Critical, "errorRate is 0.3 (Critical: at or above 0.2 for 2 samples in a row)"));

        monitor.GetHistory("orders").Select(s => (s.Level, s.Metrics[HealthMetricNames.ErrorRate]))
            .Should().Equal((HealthLevel.Healthy, 0.01), (HealthLevel.Healthy, 0.3), (HealthLevel.Critical, 0.3));
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        HealthReportEntry view = report.Entries[HealthBuilderExtensions.ComponentHealthCheckPrefix + "orders"];
        (view.Status, view.Description).Should().Be((HealthStatus.Unhealthy, "orders is Critical: errorRate is 0.3 (Critical: at or above 0.2 for 2 samples in a row)"));
        view.Data[HealthMetricNames.ErrorRate].Should().Be(0.3);
        report.Entries.Should().ContainKey(HealthBuilderExtensions.ComponentHealthCheckPrefix + "db");
        report.Entries.Should().NotContainKey(HealthBuilderExtensions.ComponentHealthCheckPrefix + SelfHealingServiceCollectionExtensions.CircuitBreakersHealthCheckName);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_probe_type_registered_in_the_container_is_the_instance_used_so_it_keeps_state_between_runs()
    {
        using IHost host = Build(b =>
        {
            b.Services.AddSingleton<CountingProbe>();
            b.AddHealthComponent("orders", c => c.UseProbe<CountingProbe>());
        });
        HealthMonitor monitor = await StartAsync(host, "orders");
        await monitor.CheckNowAsync("orders");
        await monitor.CheckNowAsync("orders");
        monitor.GetHealth("orders")!.Metrics["runs"].Should().Be(3);
        host.Services.GetRequiredService<CountingProbe>().Runs.Should().Be(3);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_probe_that_throws_or_does_not_answer_in_time_fails_the_component_with_the_reason()
    {
        Func<CancellationToken, ValueTask<HealthMetrics>> behaviour = _ => ValueTask.FromResult(new HealthMetrics());
        using IHost host = Build(b => b.AddHealthComponent("orders", c => c.UseProbe(ct => Volatile.Read(ref behaviour)(ct))));
        HealthMonitor monitor = await StartAsync(host, "orders");
        monitor.GetHealth("orders")!.Level.Should().Be(HealthLevel.Healthy);

        Volatile.Write(ref behaviour, _ => throw new InvalidOperationException("pool exhausted"));
        await monitor.CheckNowAsync("orders");
        ComponentHealth threw = monitor.GetHealth("orders")!;
        (threw.Level, threw.Reason).Should().Be((HealthLevel.Failed, "the orders probe threw InvalidOperationException: pool exhausted"));

        Volatile.Write(ref behaviour, async ct => { await Task.Delay(Timeout.Infinite, ct); return new HealthMetrics(); });
        Task run = monitor.CheckNowAsync("orders");
        // The clock moves to each wait's end as the check starts it (the probe's timeout among them) until the check ends.
        for (int i = 0; i < 1000 && await _time.AdvanceToNextTimerAsync(run); i++)
        {
        }

        await run.WaitAsync(Wait);
        ComponentHealth hung = monitor.GetHealth("orders")!;
        (hung.Level, hung.Reason).Should().Be((HealthLevel.Failed, "the orders probe did not answer within its timeout of 00:00:05."));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_dependency_in_trouble_is_the_root_cause_and_its_dependents_are_marked_affected()
    {
        using IHost host = Build(b => b
            .AddHealthComponent("api", c => c.DependsOn("db"))
            .AddHealthComponent("web", c => c.DependsOn("api")));
        using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        HealthMonitor monitor = await StartAsync(host);

        _db.Result = HealthCheckResult.Unhealthy("connection refused");
        await monitor.CheckNowAsync("db");
        monitor.Report("api", HealthLevel.Degraded, "slow answers");
        monitor.Report("web", HealthLevel.Failed, "no answers");

        ComponentHealth api = monitor.GetHealth("api")!;
        (api.Level, api.IsRootCause).Should().Be((HealthLevel.Degraded, false));
        api.AffectedBy.Should().Equal("db");
        monitor.GetHealth("web")!.AffectedBy.Should().Equal(["db"], "api is in trouble because of db, so db explains web's trouble too");
        SystemHealth system = monitor.GetSystemHealth();
        (system.Level, system.RootCauses.Single(), string.Join(",", system.Affected)).Should().Be((HealthLevel.Failed, "db", "api,web"));
        monitor.ActiveAlerts.Select(a => (a.Key, a.Severity)).Should().Equal(
            ("api/status", AlertSeverity.Info), ("db/status", AlertSeverity.Critical), ("web/status", AlertSeverity.Info));

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        report.Entries[SelfHealingServiceCollectionExtensions.HealthMonitorHealthCheckName].Description
            .Should().Be("db is Critical: connection refused; api is Degraded, affected by db: slow answers; web is Failed, affected by db: no answers");

        _db.Result = HealthCheckResult.Healthy();
        await monitor.CheckNowAsync("db");
        monitor.GetHealth("api")!.IsRootCause.Should().BeTrue("nothing upstream explains its trouble any more");
        await host.StopAsync();

        var changes = new List<HealthChanged>();
        await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
        {
            if (e is HealthChanged change)
            {
                changes.Add(change);
            }
        }

        changes.Select(c => (c.Component, c.Level, string.Join(",", c.AffectedBy))).Should().Equal(
            ("db", HealthLevel.Critical, ""), ("api", HealthLevel.Degraded, "db"), ("web", HealthLevel.Failed, "db"), ("db", HealthLevel.Healthy, ""));
    }

    [Fact]
    public async Task An_alert_is_raised_once_while_its_condition_lasts_updated_when_it_worsens_and_resolved_when_it_clears()
    {
        var critical = new CollectingSink();
        using IHost host = Build(b => b.AddHealthAlertSink(critical, r => { r.MinimumSeverity = AlertSeverity.Critical; r.Components.Add("db"); }));
        HealthMonitor monitor = await StartAsync(host);

        _db.Result = HealthCheckResult.Degraded("slow");
        await monitor.CheckNowAsync("db");
        await monitor.CheckNowAsync("db");
        _db.Result = HealthCheckResult.Unhealthy("down");
        await monitor.CheckNowAsync("db");
        await monitor.CheckNowAsync("db");
        _db.Result = HealthCheckResult.Healthy();
        await monitor.CheckNowAsync("db");
        monitor.ActiveAlerts.Should().BeEmpty();
        await host.StopAsync(); // delivers what is queued

        _sink.Received.Select(a => (a.Key, a.State, a.Severity)).Should().Equal(
            ("db/status", AlertState.Raised, AlertSeverity.Warning),
            ("db/status", AlertState.Updated, AlertSeverity.Critical),
            ("db/status", AlertState.Resolved, AlertSeverity.Critical));
        _sink.Received[1].Message.Should().Be("db is Critical: down");
        _sink.Received[2].RaisedAt.Should().Be(_sink.Received[0].RaisedAt);
        critical.Received.Select(a => a.State).Should().Equal([AlertState.Updated, AlertState.Resolved], "its route takes only critical alerts");
    }

    [Fact]
    public async Task A_failing_sink_loses_only_its_own_alerts()
    {
        using IHost host = Build(b => b.AddHealthAlertSink(new ThrowingSink()));
        HealthMonitor monitor = await StartAsync(host);
        _db.Result = HealthCheckResult.Unhealthy("down");
        await monitor.CheckNowAsync("db");
        (await _sink.NextAsync()).State.Should().Be(AlertState.Raised);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_rising_metric_is_predicted_to_breach_before_it_does()
    {
        using IHost host = Build(
            b => b.AddHealthComponent("cache", c => c.Threshold(HealthMetricNames.Memory, t => { t.Degraded = 80; t.Critical = 90; t.Failed = 95; })),
            options: o => { o.PredictionHorizon = TimeSpan.FromMinutes(2); o.PredictionSamples = 20; });
        using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        HealthMonitor monitor = await StartAsync(host);
        var random = new Random(42);
        int? predictedAt = null;
        int? degradedAt = null;
        double memoryWhenPredicted = double.NaN;
        for (int t = 0; t <= 130; t++)
        {
            double memory = 40 + (0.5 * t) + (0.5 * random.Normal());
            monitor.Report("cache", new HealthMetrics { MemoryPercent = memory });
            if (predictedAt is null && monitor.ActiveAlerts.Any(a => a.Key == "cache/prediction/memory"))
            {
                (predictedAt, memoryWhenPredicted) = (t, memory);
            }

            degradedAt ??= monitor.GetHealth("cache")!.Level > HealthLevel.Healthy ? t : null;
            _time.Fake.Advance(TimeSpan.FromSeconds(1));
        }

        predictedAt.Should().NotBeNull();
        degradedAt.Should().BeGreaterThan(predictedAt!.Value + 60, "the forecast comes more than a minute before the breach");
        memoryWhenPredicted.Should().BeLessThan(80);
        monitor.GetHealth("cache")!.Level.Should().Be(HealthLevel.Failed);
        monitor.ActiveAlerts.Select(a => a.Key).Should().Equal(["cache/status"], "the forecast is resolved once the worst level is reached");
        await host.StopAsync();

        List<BreachPredicted> predictions = [];
        await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
        {
            if (e is BreachPredicted p)
            {
                predictions.Add(p);
            }
        }

        predictions.Should().ContainSingle().Which.Forecast.Level.Should().Be(HealthLevel.Failed);
        _sink.Received.Where(a => a.Kind == AlertKind.Prediction).Select(a => a.State).Should().Equal(AlertState.Raised, AlertState.Resolved);
    }

    [Fact]
    public async Task A_noisy_but_healthy_component_never_changes_level_or_alerts_in_10000_reports()
    {
        using IHost host = Build(b => b.AddHealthComponent("api", c => c.Threshold(HealthMetricNames.ResponseTime, t => { t.Degraded = 200; t.Critical = 400; t.Hysteresis = 20; })));
        HealthMonitor monitor = await StartAsync(host);
        var random = new Random(7);
        int changes = 0;
        double highest = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double milliseconds = Math.Max(1, 120 + (25 * random.Normal()));
            highest = Math.Max(highest, milliseconds);
            monitor.Report("api", new HealthMetrics { ResponseTime = TimeSpan.FromMilliseconds(milliseconds) });
            changes += monitor.GetHealth("api")!.Level == HealthLevel.Healthy ? 0 : 1;
            _time.Fake.Advance(TimeSpan.FromSeconds(1));
        }

        changes.Should().Be(0);
        highest.Should().BeGreaterThan(200, "single samples do cross the threshold");
        monitor.GetHistory("api").Should().HaveCount(120, "the history keeps the latest HistorySize samples");
        monitor.ActiveAlerts.Should().BeEmpty();
        await host.StopAsync();
        _sink.Received.Should().BeEmpty("neither a status change nor a forecast was alerted");
    }

    [Fact]
    public async Task Thresholds_change_at_runtime_through_the_signal()
    {
        using IHost host = Build(b => b.AddHealthComponent("queue", c => c.Threshold("depth", t => t.Degraded = 100)));
        HealthMonitor monitor = await StartAsync(host);
        monitor.Report("queue", new HealthMetrics { Custom = new Dictionary<string, double> { ["depth"] = 50 } });
        monitor.GetHealth("queue")!.Level.Should().Be(HealthLevel.Healthy);

        var lower = new Dictionary<string, MetricThreshold> { ["depth"] = new() { Degraded = 40, SamplesToWorsen = 1 } };
        (await monitor.SignalAsync(new HealthSignal.UpdateAlertThresholds("queue", lower))).Should().BeTrue();
        monitor.Report("queue", new HealthMetrics { Custom = new Dictionary<string, double> { ["depth"] = 50 } });
        monitor.GetHealth("queue")!.Level.Should().Be(HealthLevel.Degraded);

        (await monitor.SignalAsync(new HealthSignal.UpdateAlertThresholds("nothing", lower))).Should().BeFalse();
        var inverted = new Dictionary<string, MetricThreshold> { ["depth"] = new() { Degraded = 90, Critical = 80 } };
        Func<Task> bad = () => monitor.SignalAsync(new HealthSignal.UpdateAlertThresholds("queue", inverted));
        (await bad.Should().ThrowAsync<ArgumentException>()).WithMessage("queue:depth:Critical is 80; allowed: above Degraded (90) for HigherIsWorse.*");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_component_reads_its_values_from_the_metrics_collector()
    {
        using IHost host = Build(b => b.AddHealthComponent("checkout", c => c
            .WatchMetric("latency.p95", s => { s.Metric = "checkout.latency"; s.Statistic = MetricStatistic.P95; s.Tags["region"] = "eu"; })
            .Threshold("latency.p95", t => { t.Degraded = 0.5; t.Critical = 1; t.SamplesToWorsen = 1; })));
        HealthMonitor monitor = await StartAsync(host, "checkout");
        ComponentHealth empty = monitor.GetHealth("checkout")!;
        (empty.Level, empty.Metrics.Count).Should().Be((HealthLevel.Healthy, 0), "a window without data gives no value");

        MetricHistogram latency = host.Services.GetRequiredService<IMetricsCollector>().Histogram("checkout.latency");
        for (int i = 0; i < 100; i++)
        {
            latency.Record(2.0, new KeyValuePair<string, object?>("region", "eu"));
            latency.Record(0.1, new KeyValuePair<string, object?>("region", "us"));
        }

        await monitor.CheckNowAsync("checkout");
        ComponentHealth checkout = monitor.GetHealth("checkout")!;
        checkout.Level.Should().Be(HealthLevel.Critical);
        checkout.Metrics["latency.p95"].Should().BeApproximately(2.0, 0.02);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("dependency", "SelfHealing:Health:Components:api:DependsOn is 'dbx'; allowed: one of api, db, selfhealing-circuit-breakers.")]
    [InlineData("cycle", "SelfHealing:Health:Components: the dependencies form a cycle, api -> cache -> api; allowed: no cycle.")]
    [InlineData("interval", "SelfHealing:Health:Intervals:nothing names no component; allowed: one of api, db, selfhealing-circuit-breakers.")]
    public async Task A_graph_that_does_not_hold_together_stops_start_up_naming_the_problem(string problem, string message)
    {
        using IHost host = problem switch
        {
            "dependency" => Build(b => b.AddHealthComponent("api", c => c.DependsOn("dbx"))),
            "cycle" => Build(b => b.AddHealthComponent("api", c => c.DependsOn("cache")).AddHealthComponent("cache", c => c.DependsOn("api"))),
            _ => Build(b => b.AddHealthComponent("api", c => c.Interval(TimeSpan.FromSeconds(1))), new() { ["SelfHealing:Health:Intervals:nothing"] = "00:00:05" }),
        };
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain(message);
    }

    [Fact]
    public async Task A_bad_threshold_in_configuration_stops_start_up_with_its_key()
    {
        using IHost host = Build(_ => { }, new()
        {
            ["SelfHealing:Health:Components:api:Thresholds:cpu:Degraded"] = "90",
            ["SelfHealing:Health:Components:api:Thresholds:cpu:Critical"] = "80",
            ["SelfHealing:Health:Components:api:Metrics:p95:Window"] = "00:00:00",
        });
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().BeEquivalentTo(
            "SelfHealing:Health:Components:api:Thresholds:cpu:Critical is 80; allowed: above Degraded (90) for HigherIsWorse.",
            "SelfHealing:Health:Components:api:Metrics:p95:Metric is empty; allowed: the name of a collector metric.",
            "SelfHealing:Health:Components:api:Metrics:p95:Window is 00:00:00; allowed: 00:00:01 to 01:00:00.");
    }

    [Fact]
    public async Task Reporting_on_an_unknown_component_names_the_known_ones()
    {
        using IHost host = Build(b => b.AddHealthComponent("api", _ => { }));
        HealthMonitor monitor = await StartAsync(host);
        Action report = () => monitor.Report("nope", HealthLevel.Failed, "down");
        report.Should().Throw<ArgumentException>().WithMessage("The health monitor knows no component 'nope'; known: api, db, selfhealing-circuit-breakers.*");
        await host.StopAsync();
    }

    private sealed class CollectingSink : IHealthAlertSink
    {
        private readonly Channel<HealthAlert> _next = Channel.CreateUnbounded<HealthAlert>();

        public List<HealthAlert> Received { get; } = [];

        public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken)
        {
            lock (Received)
            {
                Received.Add(alert);
            }

            _next.Writer.TryWrite(alert);
            return ValueTask.CompletedTask;
        }

        public async Task<HealthAlert> NextAsync() => await _next.Reader.ReadAsync().AsTask().WaitAsync(Wait);
    }

    private sealed class CountingProbe : IHealthProbe
    {
        public int Runs { get; private set; }

        public ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new HealthMetrics { Custom = new Dictionary<string, double> { ["runs"] = ++Runs } });
    }

    private sealed class ThrowingSink : IHealthAlertSink
    {
        public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken) => throw new InvalidOperationException("mail server down");
    }

    [Fact]
    public void A_second_probe_for_a_component_is_refused_rather_than_silently_replacing_the_first()
    {
        var services = new ServiceCollection();
        Action twice = () => services.AddSelfHealing(b => b
            .AddHealthComponent("orders", c => c.UseProbe(_ => ValueTask.FromResult(new HealthMetrics())))
            .AddHealthComponent("orders", c => c.Interval(TimeSpan.FromSeconds(5)).UseProbe(_ => ValueTask.FromResult(new HealthMetrics()))));

        twice.Should().Throw<InvalidOperationException>().WithMessage("The health component 'orders' already has a probe; a component has one.*");
    }
}
