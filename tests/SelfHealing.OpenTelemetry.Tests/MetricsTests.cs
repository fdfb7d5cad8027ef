using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Telemetry;

namespace SelfHealing.OpenTelemetry.Tests;

/// <summary>Each new instrument, read through OpenTelemetry's in-memory exporter.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Breaker_call_durations_are_a_histogram_in_seconds_by_outcome()
    {
        await using var host = new TelemetryHost((b, name) => b.AddCircuitBreaker(name));
        await host.StartAsync();
        CircuitBreaker breaker = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate(host.Name);

        for (int i = 0; i < 3; i++)
        {
            await breaker.ExecuteAsync(_ => { host.Time.Advance(TimeSpan.FromMilliseconds(250)); return ValueTask.FromResult(1); });
        }

        await breaker.ExecuteAsync<int>(_ => { host.Time.Advance(TimeSpan.FromSeconds(2)); throw new InvalidOperationException("down"); });

        List<MetricPoint> points = host.Points(SelfHealingMeter.CircuitCallDuration, SelfHealingMeter.CircuitNameTag);
        MetricPoint success = points.Single(p => p.Tag(SelfHealingMeter.OutcomeTag) == "success");
        MetricPoint failure = points.Single(p => p.Tag(SelfHealingMeter.OutcomeTag) == "failure");
        (success.GetHistogramCount(), success.GetHistogramSum()).Should().Be((3L, 0.75));
        (failure.GetHistogramCount(), failure.GetHistogramSum()).Should().Be((1L, 2.0));
        host.Metrics.Single(m => m.Name == SelfHealingMeter.CircuitCallDuration).Unit.Should().Be("s");

        List<MetricPoint> calls = host.Points(SelfHealingMeter.CircuitCalls, SelfHealingMeter.CircuitNameTag);
        calls.Single(p => p.Tag(SelfHealingMeter.OutcomeTag) == "success").GetSumLong().Should().Be(3);
    }

    [Fact]
    public async Task Rejected_calls_are_counted_but_not_timed()
    {
        await using var host = new TelemetryHost((b, name) => b.AddCircuitBreaker(name));
        await host.StartAsync();
        CircuitBreaker breaker = host.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate(host.Name);
        breaker.Isolate();

        (await breaker.ExecuteAsync(_ => ValueTask.FromResult(1))).Status.Should().Be(CircuitBreakerResultStatus.Rejected);

        host.Points(SelfHealingMeter.CircuitCalls, SelfHealingMeter.CircuitNameTag)
            .Single(p => p.Tag(SelfHealingMeter.OutcomeTag) == "rejected").GetSumLong().Should().Be(1);
        host.Points(SelfHealingMeter.CircuitCallDuration, SelfHealingMeter.CircuitNameTag).Should().BeEmpty();
    }

    [Fact]
    public async Task The_health_level_of_each_component_is_a_gauge()
    {
        var check = new Check();
        await using var host = new TelemetryHost((b, name) => b.Services.AddHealthChecks().AddCheck(name, check));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.CheckNowAsync(host.Name);
        host.Points(SelfHealingMeter.HealthLevel, SelfHealingMeter.ComponentTag).Single().GetGaugeLastValueLong().Should().Be(0);

        check.Status = HealthStatus.Unhealthy;
        await monitor.CheckNowAsync(host.Name);

        HealthLevel level = monitor.GetHealth(host.Name)!.Level;
        level.Should().NotBe(HealthLevel.Healthy);
        host.Points(SelfHealingMeter.HealthLevel, SelfHealingMeter.ComponentTag).Single().GetGaugeLastValueLong().Should().Be((long)level);
    }

    [Fact]
    public async Task Incidents_and_recovery_actions_are_counted_with_their_durations()
    {
        bool restarted = false;
        TelemetryHost? self = null;
        await using var host = self = new TelemetryHost((b, name) => b.AddHealableComponent(name, c => c
            .OnRestart(_ => { self!.Time.Advance(TimeSpan.FromSeconds(3)); restarted = true; return ValueTask.CompletedTask; })
            .VerifyWith(_ => ValueTask.FromResult(restarted))));
        await host.StartAsync();

        Incident incident = await host.Services.GetRequiredService<RecoveryManager>().RecoverAsync(host.Name, FailureTypes.Critical);

        incident.Status.Should().Be(IncidentStatus.Resolved);
        MetricPoint opened = host.Points(SelfHealingMeter.IncidentsOpened, SelfHealingMeter.ComponentTag).Single();
        (opened.GetSumLong(), opened.Tag(SelfHealingMeter.FailureTypeTag)).Should().Be((1L, FailureTypes.Critical));
        MetricPoint closed = host.Points(SelfHealingMeter.IncidentsClosed, SelfHealingMeter.ComponentTag).Single();
        (closed.GetSumLong(), closed.Tag(SelfHealingMeter.IncidentStatusTag)).Should().Be((1L, "resolved"));
        MetricPoint lasted = host.Points(SelfHealingMeter.IncidentDuration, SelfHealingMeter.ComponentTag).Single();
        (lasted.GetHistogramCount(), lasted.GetHistogramSum()).Should().Be((1L, 3.0));

        MetricPoint action = host.Points(SelfHealingMeter.RecoveryActions, SelfHealingMeter.ComponentTag).Single();
        (action.GetSumLong(), action.Tag(SelfHealingMeter.StrategyTag), action.Tag(SelfHealingMeter.ResultTag)).Should().Be((1L, "restart", "recovered"));
        MetricPoint took = host.Points(SelfHealingMeter.RecoveryActionDuration, SelfHealingMeter.ComponentTag).Single();
        (took.GetHistogramCount(), took.GetHistogramSum()).Should().Be((1L, 3.0));
    }

    [Fact]
    public async Task Configuration_changes_are_counted_by_source_and_rollbacks_apart()
    {
        // The configuration meter has no per-host tag: this test reads its own host's meter through the factory.
        await using var host = new TelemetryHost((b, name) => b.AddAdaptiveParameters(ParameterDefinition.Integer(name, 10, 1, 100)));
        await host.StartAsync();
        var configuration = host.Services.GetRequiredService<AdaptiveConfigManager>();
        long changesBefore = Sum(host, SelfHealingMeter.ConfigChanges, "manual");
        long rollbacksBefore = Sum(host, SelfHealingMeter.ConfigRollbacks, null);

        ConfigSnapshot first = configuration.Current;
        configuration.Update(host.Name, 20L);
        configuration.Update(host.Name, 30L);
        configuration.Rollback(first.Version);

        (Sum(host, SelfHealingMeter.ConfigChanges, "manual") - changesBefore).Should().Be(2);
        (Sum(host, SelfHealingMeter.ConfigRollbacks, null) - rollbacksBefore).Should().Be(1);
        Sum(host, SelfHealingMeter.ConfigChanges, "rollback").Should().BeGreaterThanOrEqualTo(1);
    }

    // Every host in the process counts into the same instrument names; the in-memory exporter sums per tag set.
    private static long Sum(TelemetryHost host, string instrument, string? source)
    {
        host.Metrics.Clear();
        host.Points("-", "-"); // flushes
        return host.Metrics.Where(m => m.Name == instrument)
            .SelectMany(m => m.MetricPoints)
            .Where(p => source is null || p.Tag(SelfHealingMeter.ConfigSourceTag) == source)
            .Sum(p => p.GetSumLong());
    }

    private sealed class Check : IHealthCheck
    {
        public HealthStatus Status { get; set; } = HealthStatus.Healthy;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthCheckResult(Status, Status.ToString()));
    }
}
