using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

/// <summary>The app's <see cref="IHealthCheckPublisher"/>s receive the monitor's view with no extra code.</summary>
public sealed class HealthPublisherTests
{
    private sealed class RecordingPublisher : IHealthCheckPublisher
    {
        private readonly TaskCompletionSource<HealthReport> _dbUnhealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile HealthReport? _last;

        public HealthReport? Last => _last;

        /// <summary>Completes with the first report that shows the monitor's view of db as Unhealthy.</summary>
        public Task<HealthReport> DbUnhealthy => _dbUnhealthy.Task;

        public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
        {
            _last = report;
            if (report.Entries.TryGetValue(HealthBuilderExtensions.ComponentHealthCheckPrefix + "db", out HealthReportEntry db) && db.Status == HealthStatus.Unhealthy)
            {
                _dbUnhealthy.TrySetResult(report);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_registered_publisher_receives_the_monitors_view_of_the_system_and_of_each_component()
    {
        var db = new SwitchableCheck { Result = HealthCheckResult.Unhealthy("connection refused") };
        var publisher = new RecordingPublisher();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHealthChecks().AddCheck("db", db);
        builder.Services.AddSingleton<IHealthCheckPublisher>(publisher);
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(1);
            o.Predicate = r => r.Tags.Contains(SelfHealingServiceCollectionExtensions.HealthCheckTag);
        });
        builder.Services.AddSelfHealing(b => b.ConfigureHealth(o => { o.OutcomesToWorsen = 1; o.LogAlerts = false; }));
        using IHost host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        await monitor.CheckNowAsync("db");

        HealthReport report = await publisher.DbUnhealthy.WaitAsync(TimeSpan.FromSeconds(10)); // the publisher's period is 1 s
        report.Entries.Should().ContainKey(SelfHealingServiceCollectionExtensions.HealthMonitorHealthCheckName);
        report.Entries[HealthBuilderExtensions.ComponentHealthCheckPrefix + "db"].Description.Should().Contain("connection refused");
        report.Entries.Should().NotContainKey("db", "the publisher's predicate picked SelfHealing's views only");
        monitor.GetHealth("db")!.Level.Should().BeOneOf(HealthLevel.Critical, HealthLevel.Failed);
        await host.StopAsync();
    }
}
