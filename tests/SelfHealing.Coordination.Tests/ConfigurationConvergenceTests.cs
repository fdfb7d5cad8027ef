using SelfHealing.Coordination.Testing;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Configuration;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

/// <summary>
/// What a node runs with is what the cluster agreed on: values that arrive in a snapshot are applied, and a manual
/// change that cannot reach the log is not kept on one node alone.
/// </summary>
public sealed class ConfigurationConvergenceTests
{
    [Fact]
    public async Task A_node_restarted_from_a_snapshot_runs_with_the_replicated_configuration_it_holds()
    {
        string root = Directory.CreateTempSubdirectory("selfhealing-convergence-").FullName;
        try
        {
            await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: ClusterTests.Workers, logRoot: root);
            ClusterNode leader = await cluster.LeaderAsync();
            await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["workers"] = 9L }, "before the snapshot"));

            // Enough entries after the change that node-c's snapshot covers it: on restart it never sees the entry.
            for (int i = 0; i < Replication.ClusterStateMachine.SnapshotEvery + 6; i++)
            {
                await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ReportHealthAsync($"c{i % 5}", HealthLevel.Healthy));
            }

            ClusterNode c = cluster.Nodes["node-c"];
            await Eventually.UntilAsync(() => c.Coordinator.State.AppliedIndex >= leader.Coordinator.State.AppliedIndex, ClusterHarness.Bound);
            await ClusterHarness.StopNodeAsync(c);

            ClusterNode back = await cluster.StartNodeAsync("node-c");

            back.Coordinator.State.Configuration["workers"].Should().Be("9", "the snapshot holds the replicated value");
            await Eventually.UntilAsync(() => back.Configuration.Get<long>("workers") == 9, ClusterHarness.Bound, "the app should run with the replicated value");
            back.Configuration.Current.Source.Should().Be(ConfigSource.Cluster);
            await Eventually.UntilAsync(
                () => back.Seen<ConfigUpdate>().Any(e => e.Origin == ConfigUpdate.SnapshotOrigin && e.Values["workers"] == "9"),
                ClusterHarness.Bound,
                "the value restored from the snapshot should be announced (the hub delivers on its own thread)");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_manual_change_on_a_cut_off_node_is_reverted_and_the_healed_node_runs_with_the_majoritys_value()
    {
        var network = new InProcessClusterNetwork();
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(
            3,
            (id, o) =>
            {
                o.Transport = ClusterTransport.Custom;
                o.Connections = network.ConnectionsFor(o.Members[id]);
            },
            build: ClusterTests.Workers);
        ClusterNode leader = await cluster.LeaderAsync();
        ClusterNode lone = cluster.Running.First(n => n != leader);
        await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["workers"] = 6L }, "agreed by all"));
        await Eventually.UntilAsync(() => lone.Configuration.Get<long>("workers") == 6, ClusterHarness.Bound);

        network.Partition([cluster.Members[lone.Id]]);
        await Eventually.UntilAsync(() => !lone.Coordinator.HasQuorum, ClusterHarness.Bound, "the cut-off node should know it has no majority");
        lone.Configuration.Update("workers", 12L);

        await Eventually.UntilAsync(() => lone.Configuration.Get<long>("workers") == 6, ClusterHarness.Bound, "a change that cannot reach the log is not kept on one node");
        lone.Configuration.Current.Source.Should().Be(ConfigSource.Cluster);
        lone.Configuration.Current.Reason.Should().Contain("did not reach the cluster");

        ClusterNode majority = cluster.Running.First(n => n != lone && n.Coordinator.HasQuorum);
        await ClusterHarness.AcceptedAsync(() => majority.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["workers"] = 20L }, "while the node was cut off"));
        lone.Configuration.Get<long>("workers").Should().Be(6, "nothing reaches the cut-off node");

        network.Heal();

        await Eventually.UntilAsync(() => lone.Configuration.Get<long>("workers") == 20, ClusterHarness.Bound, "the healed node should run with the majority's value");
        cluster.Running.Should().OnlyContain(n => n.Coordinator.State.Configuration["workers"] == "20");
    }
}
