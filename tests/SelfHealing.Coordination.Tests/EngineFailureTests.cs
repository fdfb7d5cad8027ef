using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;

namespace SelfHealing.Coordination.Tests;

/// <summary>A node whose Raft log fails under it answers only with this package's documented results, and still stops.</summary>
public sealed class EngineFailureTests
{
    [Fact]
    public async Task A_node_whose_log_died_answers_with_documented_exceptions_and_stops_cleanly()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3);
        ClusterNode leader = await cluster.LeaderAsync();
        ClusterNode[] nodes = [cluster.Running.First(n => n != leader), leader];

        foreach (ClusterNode node in nodes)
        {
            var coordinator = (ClusterCoordinator)node.Coordinator;
            await coordinator.Log!.DisposeAsync(); // the log is gone, as after the write-ahead log failed

            Action views = () => _ = (coordinator.HasQuorum, coordinator.Role, coordinator.LeaderId, coordinator.Term, coordinator.State);
            views.Should().NotThrow();
            // A follower may still forward to the healthy leader and succeed; the leader, its own log gone, cannot commit.
            // Whatever fails must fail with a documented exception.
            bool mayAnswer = node != leader;
            (await FailureOf(() => coordinator.ReportHealthAsync("orders", HealthLevel.Degraded, "after the log died")))
                .Should().Match<Exception?>(e => (e == null && mayAnswer) || e is ClusterUnavailableException || e is ClusterOutcomeUnknownException);
            (await FailureOf(() => coordinator.RequestHealingAsync("orders-db", "orders", "Restart")))
                .Should().Match<Exception?>(e => (e == null && mayAnswer) || e is ClusterUnavailableException || e is ClusterOutcomeUnknownException);

            Func<Task> stop = () => coordinator.StopAsync(CancellationToken.None);
            await stop.Should().NotThrowAsync("a host must be able to stop a node whose engine failed");
            coordinator.Role.Should().Be(ClusterRole.Stopped);
        }
    }

    private static async Task<Exception?> FailureOf(Func<Task> call)
    {
        try { await call(); return null; }
        catch (Exception e) { return e; }
    }
}
