using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.DependencyInjection;
using SelfHealing.Health;

namespace SelfHealing.Coordination.Tests;

/// <summary>What a node logs: warnings that say what is wrong, without flooding.</summary>
public sealed class CoordinationLogTests
{
    private static async Task<IHost> StartLoneNodeAsync(FakeTimeProvider time, FakeLogCollector logs, Action<CoordinationOptions>? configure = null)
    {
        int[] ports = LoopbackPorts.Take(3);
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)))
            .ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddSelfHealing().UseCoordination(o =>
                {
                    o.NodeId = "node-a";
                    o.Members["node-a"] = $"127.0.0.1:{ports[0]}";
                    o.Members["node-b"] = $"127.0.0.1:{ports[1]}"; // never started: node-a has no majority
                    o.Members["node-c"] = $"127.0.0.1:{ports[2]}";
                    configure?.Invoke(o);
                });
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    [Fact]
    public async Task A_request_timeout_not_below_the_election_timeout_is_warned_about_at_start()
    {
        var logs = new FakeLogCollector();
        using (IHost defaults = await StartLoneNodeAsync(new FakeTimeProvider(), logs))
        {
            await defaults.StopAsync();
        }

        logs.GetSnapshot().Should().NotContain(r => r.Id.Id == 8016, "the defaults keep requests below the election timeout");

        using (IHost slow = await StartLoneNodeAsync(new FakeTimeProvider(), logs, o => o.RequestTimeout = TimeSpan.FromSeconds(1)))
        {
            await slow.StopAsync();
        }

        FakeLogRecord warning = logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 8016).Which;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Contain("RequestTimeout (00:00:01)").And.Contain("ElectionTimeoutMin (00:00:00.2000000)");
    }

    [Fact]
    public async Task Refusals_warn_once_per_interval_and_the_next_warning_counts_the_ones_logged_at_debug()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new FakeLogCollector();
        using IHost host = await StartLoneNodeAsync(time, logs);
        IClusterCoordinator node = host.Services.GetRequiredService<IClusterCoordinator>();

        for (int i = 0; i < 5; i++)
        {
            Func<Task> report = () => node.ReportHealthAsync("orders", HealthLevel.Degraded);
            await report.Should().ThrowAsync<ClusterUnavailableException>("every caller is answered, whatever the log says");
        }

        time.Advance(TimeSpan.FromSeconds(10));
        Func<Task> later = () => node.ReportHealthAsync("orders", HealthLevel.Degraded);
        await later.Should().ThrowAsync<ClusterUnavailableException>();
        await host.StopAsync();

        // Other refusals may come from the node's own reports (its health, its breakers); the rule holds for all of them.
        FakeLogRecord[] refusals = [.. logs.GetSnapshot().Where(r => r.Id.Id == 8005)];
        refusals.Length.Should().BeGreaterThanOrEqualTo(6);
        refusals.Count(r => r.Level == LogLevel.Warning).Should().Be(2, "a refusal warns once per 10 s; the ones in between go to Debug");
        refusals[0].Level.Should().Be(LogLevel.Warning);
        refusals[0].Message.Should().EndWith("since the last warning: 0)");
        int second = Array.FindIndex(refusals, 1, r => r.Level == LogLevel.Warning);
        refusals[second].Message.Should().EndWith($"since the last warning: {second - 1})", "the next warning counts the refusals logged at Debug");
        (second - 1).Should().BeGreaterThanOrEqualTo(4);
    }
}
