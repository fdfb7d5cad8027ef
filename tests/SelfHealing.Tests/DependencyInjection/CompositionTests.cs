using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;
using SelfHealing.Telemetry;

namespace SelfHealing.Tests.DependencyInjection;

/// <summary><c>AddSelfHealingCore()</c> and the feature calls: an app gets what it asked for and nothing else.</summary>
public sealed class CompositionTests
{
    private static HostApplicationBuilder CreateBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        return builder;
    }

    private static string[] HealthChecks(IServiceProvider services) =>
        [.. services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Breakers_alone_get_health_checks_and_metrics_and_nothing_that_runs_in_the_background()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealingCore(b => b.AddCircuitBreaker("payments", o => o.MinimumThroughput = 2));
        using IHost host = builder.Build();
        using var transitions = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), SelfHealingMeter.Name, SelfHealingMeter.CircuitTransitions);
        await host.StartAsync();

        host.Services.GetService<IMetricsCollector>().Should().BeNull();
        host.Services.GetService<HealthMonitor>().Should().BeNull();
        host.Services.GetService<AdaptiveConfigManager>().Should().BeNull();
        host.Services.GetService<RecoveryManager>().Should().BeNull();
        host.Services.GetService<ISelfHealing>().Should().BeNull();
        SelfHealingHostedService.Features(host.Services).Should().BeEmpty();
        host.Services.GetServices<IHostedService>().Where(s => s.GetType().Namespace!.StartsWith("SelfHealing", StringComparison.Ordinal))
            .Should().ContainSingle("the health checks' own publisher service is the framework's, idle without publishers").Which.Should().BeOfType<SelfHealingHostedService>();
        HealthChecks(host.Services).Should().Equal("circuit-breaker:payments", "selfhealing-circuit-breakers");

        CircuitBreaker payments = host.Services.GetRequiredKeyedService<CircuitBreaker>("payments");
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        payments.State.Should().Be(CircuitState.Open);
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        report.Entries["circuit-breaker:payments"].Status.Should().Be(HealthStatus.Degraded, "the breaker's own check reports the open circuit");
        transitions.GetMeasurementSnapshot().Should().ContainSingle(m => Equals(m.Tags["selfhealing.circuit.name"], "payments"));
        await host.StopAsync();
    }

    [Fact]
    public void Each_feature_brings_the_features_it_needs_and_no_more()
    {
        var metrics = new ServiceCollection();
        metrics.AddSelfHealingCore().AddMetricsCollector();
        Registered(metrics).Should().Equal(typeof(MetricsCollector));

        var health = new ServiceCollection();
        health.AddSelfHealingCore().AddHealthMonitor();
        Registered(health).Should().Equal(typeof(MetricsCollector), typeof(HealthMonitor));

        var configuration = new ServiceCollection();
        configuration.AddSelfHealingCore().AddAdaptiveParameters(ParameterDefinition.Integer("Pool:Size", 10, 1, 100));
        Registered(configuration).Should().Equal(typeof(MetricsCollector), typeof(HealthMonitor), typeof(AdaptiveConfigManager));

        var recovery = new ServiceCollection();
        recovery.AddSelfHealingCore(b => b.AddHealableComponent("db", h => h.OnRestart(_ => ValueTask.CompletedTask)));
        Registered(recovery).Should().Equal(typeof(MetricsCollector), typeof(HealthMonitor), typeof(AdaptiveConfigManager), typeof(RecoveryManager));
        recovery.Should().Contain(d => d.ServiceType == typeof(ISelfHealing));

        static Type[] Registered(IServiceCollection services) =>
            [.. new[] { typeof(MetricsCollector), typeof(HealthMonitor), typeof(AdaptiveConfigManager), typeof(RecoveryManager) }
                .Where(t => services.Any(d => d.ServiceType == t))];
    }

    [Fact]
    public void Features_and_the_whole_loop_added_in_any_order_and_again_register_each_service_once()
    {
        var services = new ServiceCollection();
        services.AddSelfHealingCore(b => b.AddHealthMonitor().AddHealthMonitor().AddCircuitBreaker("a"));
        services.AddSelfHealing(b => b.AddRecovery().AddMetricsCollector());
        services.AddSelfHealingCore().AddAdaptiveConfiguration();

        foreach (Type type in new[] { typeof(EventHub), typeof(CircuitBreakerRegistry), typeof(MetricsCollector), typeof(HealthMonitor), typeof(AdaptiveConfigManager), typeof(RecoveryManager), typeof(ISelfHealing) })
        {
            services.Count(d => d.ServiceType == type).Should().Be(1, $"{type.Name} is registered once");
        }

        services.Count(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SelfHealingHostedService)).Should().Be(1);
        using ServiceProvider provider = services.BuildServiceProvider();
        HealthChecks(provider).Should().Equal("circuit-breaker:a", "selfhealing-circuit-breakers", "selfhealing-health");
    }

    [Fact]
    public void Features_start_configuration_first_and_recovery_last_whatever_order_they_were_added_in()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSelfHealingCore(b => b.AddHealthMonitor());
        services.AddSelfHealingCore(b => b.AddRecovery());
        using ServiceProvider provider = services.BuildServiceProvider();

        SelfHealingHostedService.Features(provider).Select(f => f.GetType()).Should().Equal(
            typeof(AdaptiveConfigManager), typeof(MetricsCollector), typeof(HealthMonitor), typeof(RecoveryManager));
    }

    [Fact]
    public async Task Stopping_stops_the_features_then_completes_the_hub()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.Services.AddSelfHealingCore(b => b.AddHealthMonitor());
        using IHost host = builder.Build();
        await host.StartAsync();
        using EventSubscription subscription = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        subscription.Reader.Completion.IsCompleted.Should().BeFalse();

        await host.StopAsync();

        await subscription.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        (await host.Services.GetRequiredService<HealthMonitor>().SignalAsync(new HealthSignal.CheckHealth())).Should().BeFalse("the monitor was stopped");
    }
}
