using System.Net;
using System.Net.Sockets;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

/// <summary>A follower reaches a leader that restarted (with a new forwarding port) without being restarted itself.</summary>
public sealed class ForwardingRouteTests
{
    [Fact]
    public Task A_follower_forwards_to_a_restarted_leader_at_its_new_address() => ForwardAfterTheLeaderRestartsAsync(squatTheOldAddress: false);

    /// <summary>
    /// Something else listens where the old forwarder was, accepts and never answers: a connection succeeds, so only
    /// reading the address again on the new term tells the follower where the restarted leader listens.
    /// </summary>
    [Fact]
    public Task A_follower_reads_the_forwarding_address_again_on_a_new_term_even_when_the_old_one_still_accepts() => ForwardAfterTheLeaderRestartsAsync(squatTheOldAddress: true);

    private static async Task ForwardAfterTheLeaderRestartsAsync(bool squatTheOldAddress)
    {
        string root = Directory.CreateTempSubdirectory("selfhealing-route-").FullName;
        try
        {
            // node-c only follows (an observer), so it always forwards; its votes let the restarted node lead alone.
            await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (id, o) => o.Observer = id == "node-c", logRoot: root);
            ClusterNode leader = await cluster.LeaderAsync();
            ClusterNode follower = cluster.Nodes["node-c"];
            ClusterNode other = cluster.Nodes[leader.Id == "node-a" ? "node-b" : "node-a"];
            await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ReportHealthAsync("orders", HealthLevel.Degraded, "before the restart"));
            var oldForwarder = (IPEndPoint)((ClusterCoordinator)leader.Coordinator).ForwarderEndPoint!;

            await ClusterHarness.StopNodeAsync(leader);
            using var squatter = new TcpListener(oldForwarder);
            if (squatTheOldAddress)
            {
                squatter.Start();
            }

            ClusterNode restarted = await cluster.StartNodeAsync(leader.Id); // its forwarder takes a new free port
            await ClusterHarness.StopNodeAsync(other);
            (await cluster.LeaderAsync()).Id.Should().Be(leader.Id, "the restarted node is the only one that may lead");

            // Refused at most while the follower's connection to the restarted leader is renewed.
            await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ReportHealthAsync("orders", HealthLevel.Healthy, "after the restart"));
            await Eventually.UntilAsync(
                () => restarted.Coordinator.State.Health.Any(h => h.Node == "node-c" && h.Reason == "after the restart"),
                ClusterHarness.Bound,
                "the follower's report should reach the log through the restarted leader");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
