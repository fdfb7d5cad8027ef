using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Metrics;
using SelfHealing.Recovery;

namespace SelfHealing.Tests.DependencyInjection;

/// <summary>
/// A reload with a bad value, of the right type or not, keeps the last good options, is logged with the key, and
/// throws to nobody: not to whoever reloaded the configuration, not to unrelated calls. At start the same value stops the host.
/// </summary>
public sealed class ReloadSafetyTests
{
    private static (IHost Host, IConfigurationRoot Configuration, FakeLogCollector Logs) Start(Dictionary<string, string?> settings)
    {
        var logs = new FakeLogCollector();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddSelfHealing(b => b
            .AddCircuitBreaker("payments")
            .AddCircuitBreaker("inventory")
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; }));
        IHost host = builder.Build();
        return (host, (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>(), logs);
    }

    [Theory]
    [InlineData("SelfHealing:CircuitBreakers:payments:FailureRatio", "abc")]
    [InlineData("SelfHealing:CircuitBreakers:payments:MinimumThroughput", "99999999999")]
    [InlineData("SelfHealing:CircuitBreakers:payments:FailureRatio", "NaN")]
    public async Task A_bad_breaker_reload_keeps_that_breaker_and_still_updates_the_others(string key, string value)
    {
        (IHost host, IConfigurationRoot configuration, FakeLogCollector logs) = Start(new() { ["SelfHealing:CircuitBreakers:payments:MinimumThroughput"] = "2" });
        using IHost _ = host;
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<CircuitBreakerRegistry>();

        configuration[key] = value;
        configuration["SelfHealing:CircuitBreakers:inventory:FailureRatio"] = "0.25";
        Action reload = configuration.Reload;

        reload.Should().NotThrow("a reload never throws to whoever reloads the configuration");
        registry.GetOrCreate("inventory").FailureThreshold.Should().Be(0.25, "the valid change reached the other breaker");
        CircuitBreaker payments = registry.GetOrCreate("payments");
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException());
        payments.State.Should().Be(CircuitState.Open, "payments kept its minimum throughput of 2");
        logs.GetSnapshot().Should().Contain(r => r.Id.Id == 1101 && r.Level == LogLevel.Error && r.Message.Contains(key));
        await host.StopAsync();
    }

    [Fact]
    public async Task Bad_reloads_of_component_options_keep_the_last_good_ones_and_unrelated_calls_go_on()
    {
        (IHost host, IConfigurationRoot configuration, FakeLogCollector logs) = Start([]);
        using IHost _ = host;
        await host.StartAsync();
        RecoveryOptions recoveryBefore = host.Services.GetRequiredService<IOptionsMonitor<RecoveryOptions>>().CurrentValue;
        MetricsCollectorOptions metricsBefore = host.Services.GetRequiredService<IOptionsMonitor<MetricsCollectorOptions>>().CurrentValue;

        configuration["SelfHealing:Recovery:TriggerLevel"] = "Worst";
        configuration["SelfHealing:Metrics:BucketDuration"] = "soon";
        configuration["SelfHealing:Events:BestEffortCapacity"] = "-1";
        Action reload = configuration.Reload;

        reload.Should().NotThrow();
        host.Services.GetRequiredService<IOptionsMonitor<RecoveryOptions>>().CurrentValue.Should().BeEquivalentTo(recoveryBefore, "the refused reload leaves the values in force (the instance may be the one IOptions<T> built)");
        host.Services.GetRequiredService<IOptionsMonitor<MetricsCollectorOptions>>().CurrentValue.Should().BeEquivalentTo(metricsBefore, "the refused reload leaves the values in force");
        Func<Task> detect = async () => await host.Services.GetRequiredService<ISelfHealing>().DetectAnomalyAsync("payments");
        await detect.Should().NotThrowAsync("an invalid reload does not break unrelated calls");
        logs.GetSnapshot().Where(r => r.Id.Id == 1101).Select(r => r.Message).Should().Contain(m => m.Contains("SelfHealing:Recovery:TriggerLevel is 'Worst'; allowed: one of Healthy, Degraded, Critical, Failed"))
            .And.Contain(m => m.Contains("SelfHealing:Metrics:BucketDuration is 'soon'; allowed: a duration"));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("SelfHealing:CircuitBreakers:payments:FailureRatio", "abc", "SelfHealing:CircuitBreakers:payments:FailureRatio is 'abc'; allowed: a number; greater than 0 and at most 1.")]
    [InlineData("SelfHealing:CircuitBreakers:payments:ConsecutiveFailuresToOpen", "99999999999", "SelfHealing:CircuitBreakers:payments:ConsecutiveFailuresToOpen is '99999999999'; allowed: a whole number from -2147483648 to 2147483647; 0 to 1,000,000.")]
    [InlineData("SelfHealing:Metrics:BucketDuration", "soon", "SelfHealing:Metrics:BucketDuration is 'soon'; allowed: a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (days); ")]
    [InlineData("SelfHealing:CircuitBreakers:payments:AdaptiveThreshold:Enabled", "maybe", "SelfHealing:CircuitBreakers:payments:AdaptiveThreshold:Enabled is 'maybe'; allowed: true or false")]
    [InlineData("SelfHealing:CircuitBreakers:payments:WindowKind", "Sliding", "SelfHealing:CircuitBreakers:payments:WindowKind is 'Sliding'; allowed: one of TimeBased, CountBased")]
    [InlineData("SelfHealing:Recovery:TriggerLevel", "Worst", "SelfHealing:Recovery:TriggerLevel is 'Worst'; allowed: one of Healthy, Degraded, Critical, Failed")]
    [InlineData("SelfHealing:Recovery:Risks:Restart", "Extreme", "SelfHealing:Recovery:Risks:Restart is 'Extreme'; allowed: one of Low, Medium, High")]
    [InlineData("SelfHealing:Recovery:Risks:Nonsense", "High", "SelfHealing:Recovery:Risks:Nonsense is 'High' for an unknown key 'Nonsense'; allowed keys: Restart, Reconfigure, Fallback, ScaleResources, ManualIntervention")]
    public async Task A_value_of_the_wrong_type_stops_the_start_naming_key_value_and_what_is_allowed(string key, string value, string expected)
    {
        (IHost host, _, _) = Start(new() { [key] = value });
        using IHost disposed = host;

        Func<Task> start = () => host.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain(expected);
    }
}
