using Microsoft.Extensions.DependencyInjection;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

public sealed class ClusterTests
{
    /// <summary>Declares the adaptive parameter the configuration tests replicate.</summary>
    internal static void Workers(string id, DependencyInjection.ISelfHealingBuilder b) =>
        b.AddAdaptiveParameters(ParameterDefinition.Integer("workers", 4, 1, 64));

    [Fact]
    public async Task Three_nodes_elect_one_leader_that_every_node_follows()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3);

        ClusterNode leader = await cluster.LeaderAsync();

        cluster.Running.Count(n => n.Coordinator.Role == ClusterRole.Leader).Should().Be(1);
        leader.Coordinator.Role.Should().Be(ClusterRole.Leader);
        cluster.Running.Where(n => n != leader).Should().OnlyContain(n => n.Coordinator.Role == ClusterRole.Follower);
        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Seen<LeaderElected>().Any(e => e.Leader == leader.Id)), ClusterHarness.Bound);
        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Seen<SyncResponse>().Any()), ClusterHarness.Bound);
    }

    [Fact]
    public async Task An_observer_replicates_the_state_and_asks_for_actions_but_never_leads()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(4, (id, o) => o.Observer = id == "node-d");
        ClusterNode observer = cluster.Nodes["node-d"];
        ClusterNode first = await cluster.LeaderAsync();

        await ClusterHarness.StopNodeAsync(first);
        ClusterNode second = await cluster.LeaderAsync();
        HealingLease lease = await ClusterHarness.AcceptedAsync(() => observer.Coordinator.RequestHealingAsync("cache", "orders", "Flush"));

        new[] { first.Id, second.Id }.Should().NotContain("node-d");
        observer.Coordinator.Role.Should().Be(ClusterRole.Observer);
        lease.Granted.Should().BeTrue();
        await Eventually.UntilAsync(() => second.Coordinator.State.Leases.Any(l => l.Holder == "node-d"), ClusterHarness.Bound);
    }

    [Fact]
    public async Task A_shared_circuit_opens_on_every_node_when_a_quorum_reports_it_and_closes_when_it_no_longer_does()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (_, o) => o.SharedCircuits.Add("payments"));
        await cluster.LeaderAsync();
        ClusterNode a = cluster.Nodes["node-a"], b = cluster.Nodes["node-b"], c = cluster.Nodes["node-c"];

        await ClusterHarness.AcceptedAsync(() => a.Coordinator.ReportCircuitAsync("payments", open: true));

        a.Coordinator.State.Circuits["payments"].IsOpen.Should().BeFalse("one report of three is below the majority quorum of 2");
        c.Breakers.GetOrCreate("payments").State.Should().Be(CircuitState.Closed);

        await ClusterHarness.AcceptedAsync(() => b.Coordinator.ReportCircuitAsync("payments", open: true));

        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Breakers.GetOrCreate("payments").State == CircuitState.Isolated), ClusterHarness.Bound, "every node should isolate the shared breaker");
        ClusterCircuit open = c.Coordinator.State.Circuits["payments"];
        open.IsOpen.Should().BeTrue();
        open.OpenNodes.Should().Equal("node-a", "node-b");
        await Eventually.UntilAsync(() => c.Seen<ClusterCircuitChanged>().Any(e => e.Circuit.IsOpen), ClusterHarness.Bound, "the event reaches the recorder after the state");

        await ClusterHarness.AcceptedAsync(() => a.Coordinator.ReportCircuitAsync("payments", open: false));

        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Breakers.GetOrCreate("payments").State == CircuitState.Closed), ClusterHarness.Bound, "every node should hand the breaker back when the quorum is lost");
        c.Coordinator.State.Circuits["payments"].IsOpen.Should().BeFalse();
    }

    [Fact]
    public async Task A_breaker_that_opens_from_failures_on_two_nodes_opens_on_the_third()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(
            3,
            (_, o) => o.SharedCircuits.Add("inventory"),
            (_, b) => b.AddCircuitBreaker("inventory", o => { o.MinimumThroughput = 2; o.FailureRatio = 0.5; }));
        await cluster.LeaderAsync();

        foreach (ClusterNode node in new[] { cluster.Nodes["node-a"], cluster.Nodes["node-b"] })
        {
            CircuitBreaker breaker = node.Breakers.GetOrCreate("inventory");
            for (int i = 0; i < 2; i++)
            {
                await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
            }
        }

        CircuitBreaker third = cluster.Nodes["node-c"].Breakers.GetOrCreate("inventory");
        await Eventually.UntilAsync(() => third.State == CircuitState.Isolated, ClusterHarness.Bound, "the third node's breaker should open with the cluster");
        (await third.ExecuteAsync(_ => new ValueTask<int>(1))).Status.Should().NotBe(CircuitBreakerResultStatus.Success);
    }

    [Fact]
    public async Task A_manual_configuration_change_on_one_node_is_applied_on_every_node()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: Workers);
        await cluster.LeaderAsync();

        cluster.Nodes["node-b"].Configuration.Update("workers", 12L);

        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Configuration.Get<long>("workers") == 12), ClusterHarness.Bound, "every node should apply the replicated value");
        cluster.Nodes["node-a"].Configuration.Current.Source.Should().Be(ConfigSource.Cluster);
        await Eventually.UntilAsync(
            () => cluster.Nodes["node-a"].Seen<ConfigUpdate>().Any(e => e.Origin == "node-b" && e.Values["workers"] == "12"),
            ClusterHarness.Bound,
            "the replicated value should be announced (the hub delivers on its own thread)");
        cluster.Nodes["node-b"].Configuration.History.Count(s => s.Source == ConfigSource.Cluster).Should().Be(0, "the node that made the change already has it");
    }

    [Fact]
    public async Task The_leaders_optimizer_promotions_reach_every_node_and_a_followers_stay_local()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: Workers);
        ClusterNode leader = await cluster.LeaderAsync();
        ClusterNode follower = cluster.Running.First(n => n != leader);

        ConfigSnapshot local = follower.Configuration.Update(new Dictionary<string, object> { ["workers"] = 7L }, ConfigSource.Optimizer);
        follower.Host.Services.GetRequiredService<Events.IEventHub>().Publish(new Optimization.ConfigurationPromoted("optimizer", DateTimeOffset.UtcNow, local, 3, 0.9));
        ConfigSnapshot best = leader.Configuration.Update(new Dictionary<string, object> { ["workers"] = 16L }, ConfigSource.Optimizer);
        leader.Host.Services.GetRequiredService<Events.IEventHub>().Publish(new Optimization.ConfigurationPromoted("optimizer", DateTimeOffset.UtcNow, best, 4, 1.2));

        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Configuration.Get<long>("workers") == 16), ClusterHarness.Bound, "every node should apply the leader's promotion");
        await Eventually.UntilAsync(() => leader.Seen<ConfigUpdate>().Any(), ClusterHarness.Bound, "the promotion should be announced (the hub delivers on its own thread)");
        leader.Seen<ConfigUpdate>().Should().ContainSingle("the follower's promotion is not replicated")
            .Which.Reason.Should().Contain($"promoted by the optimizer on {leader.Id} (generation 4)");
    }

    [Fact]
    public async Task A_proposal_naming_an_unknown_parameter_is_refused_before_it_reaches_the_log()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: Workers);
        await cluster.LeaderAsync();
        ClusterNode a = cluster.Nodes["node-a"];
        long before = a.Coordinator.State.AppliedIndex;

        Func<Task> propose = () => a.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["threads"] = 3L, ["workers"] = 500L });

        (await propose.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("threads is not a parameter").And.Contain("workers");
        a.Coordinator.State.ConfigurationIndex.Should().Be(0);
        a.Coordinator.State.AppliedIndex.Should().BeGreaterThanOrEqualTo(before);
    }

    [Fact]
    public async Task When_the_leader_stops_a_new_one_is_elected_and_the_replicated_state_is_still_there()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: Workers);
        ClusterNode first = await cluster.LeaderAsync();
        ClusterNode follower = cluster.Running.First(n => n != first);
        await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["workers"] = 20L }, "before failover"));
        await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ReportHealthAsync("orders-db", HealthLevel.Degraded, "slow"));

        await ClusterHarness.StopNodeAsync(first);
        ClusterNode second = await cluster.LeaderAsync();

        second.Should().NotBe(first);
        foreach (ClusterNode node in cluster.Running)
        {
            node.Coordinator.State.Configuration["workers"].Should().Be("20");
            node.Configuration.Get<long>("workers").Should().Be(20);
            node.Coordinator.State.WorstHealth("orders-db").Should().Be(HealthLevel.Degraded);
        }

        await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ReportHealthAsync("orders-db", HealthLevel.Healthy));
        second.Coordinator.State.WorstHealth("orders-db").Should().Be(HealthLevel.Healthy, "two of three members still commit");
    }

    [Fact]
    public async Task A_healing_lease_goes_to_one_node_only_and_lapses_when_its_holder_stops()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3);
        await cluster.LeaderAsync();
        ClusterNode a = cluster.Nodes["node-a"], b = cluster.Nodes["node-b"];

        HealingLease first = await ClusterHarness.AcceptedAsync(() => a.Coordinator.RequestHealingAsync("orders-db", "orders", "Restart", TimeSpan.FromSeconds(2)));
        HealingLease second = await ClusterHarness.AcceptedAsync(() => b.Coordinator.RequestHealingAsync("orders-db", "orders", "Restart", TimeSpan.FromSeconds(2)));

        first.Granted.Should().BeTrue();
        second.Granted.Should().BeFalse();
        second.Lease.Holder.Should().Be("node-a");
        second.Lease.LeaseId.Should().Be(first.Lease.LeaseId);
        b.Coordinator.State.Leases.Should().ContainSingle(l => l.Holder == "node-a");
        await Eventually.UntilAsync(() => b.Seen<HealingRequested>().Count(e => e.Lease.Target == "orders-db") == 2, ClusterHarness.Bound);

        await ClusterHarness.StopNodeAsync(a);
        await cluster.LeaderAsync();
        HealingLease later = null!;
        await Eventually.UntilAsync(
            () =>
            {
                try
                {
                    return (later = b.Coordinator.RequestHealingAsync("orders-db", "orders", "Restart", TimeSpan.FromSeconds(2)).GetAwaiter().GetResult()).Granted;
                }
                catch (ClusterUnavailableException)
                {
                    return false; // an election after the holder stopped: ask again
                }
            },
            ClusterHarness.Bound,
            "the stopped holder's lease should lapse");

        later.Lease.Holder.Should().Be("node-b");
        later.Lease.GrantedAt.Should().BeOnOrAfter(first.Lease.ExpiresAt, "no other node may hold it before the first lease expires");
        await later.CompleteAsync(succeeded: true, "restarted");
        b.Coordinator.State.Leases.Should().BeEmpty();
        await Eventually.UntilAsync(() => b.Seen<HealingExecuted>().Any(e => e.Succeeded == true && e.Lease.Holder == "node-b"), ClusterHarness.Bound);
    }

    [Fact]
    public async Task A_node_restarted_with_its_log_directory_keeps_its_state_and_catches_up()
    {
        string root = Path.Combine(Path.GetTempPath(), "selfhealing-cluster-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, build: Workers, logRoot: root);
            await cluster.LeaderAsync();
            ClusterNode c = cluster.Nodes["node-c"];
            await ClusterHarness.AcceptedAsync(() => cluster.Nodes["node-a"].Coordinator.ReportHealthAsync("cache", HealthLevel.Critical, "evictions"));
            await Eventually.UntilAsync(() => c.Coordinator.State.WorstHealth("cache") == HealthLevel.Critical, ClusterHarness.Bound);

            await ClusterHarness.StopNodeAsync(c);
            ClusterNode leader = await cluster.LeaderAsync();
            await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { ["workers"] = 9L }, "while node-c was away"));

            ClusterNode back = await cluster.StartNodeAsync("node-c");

            await Eventually.UntilAsync(() => back.Seen<SyncResponse>().Any(), ClusterHarness.Bound, "the restarted node should catch up");
            back.Seen<SyncRequest>().Single().LogIndex.Should().BeGreaterThan(0, "it restored what it had applied before it stopped");
            back.Coordinator.State.WorstHealth("cache").Should().Be(HealthLevel.Critical);
            back.Coordinator.State.Configuration["workers"].Should().Be("9");
            await Eventually.UntilAsync(() => back.Configuration.Get<long>("workers") == 9, ClusterHarness.Bound);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_restarted_alone_restores_the_state_from_its_snapshot_and_log()
    {
        string root = Path.Combine(Path.GetTempPath(), "selfhealing-cluster-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, logRoot: root);
            ClusterNode leader = await cluster.LeaderAsync();
            int reports = Replication.ClusterStateMachine.SnapshotEvery + 6;
            for (int i = 0; i < reports; i++)
            {
                await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ReportHealthAsync($"c{i % 7}", (HealthLevel)(i % 4), $"report {i}"));
            }

            ClusterNode c = cluster.Nodes["node-c"];
            await Eventually.UntilAsync(() => c.Coordinator.State.AppliedIndex >= leader.Coordinator.State.AppliedIndex, ClusterHarness.Bound);
            ClusterState before = c.Coordinator.State;
            foreach (ClusterNode node in cluster.Running.ToList())
            {
                await ClusterHarness.StopNodeAsync(node);
            }

            await using (var snapshot = new Replication.ClusterStateMachine(new DirectoryInfo(Path.Combine(root, "node-c", "state")), _ => { }))
            {
                await snapshot.RestoreAsync(CancellationToken.None);
                snapshot.State.AppliedIndex.Should().BeInRange(Replication.ClusterStateMachine.SnapshotEvery, before.AppliedIndex, "a snapshot was taken and reads back");
                snapshot.State.Health.Should().HaveCount(7).And.OnlyContain(h => before.Health.Any(b => b.Node == h.Node && b.Component == h.Component));
            }

            // Alone, with no leader to catch up from: what it shows comes from its own snapshot and log.
            ClusterNode back = await cluster.StartNodeAsync("node-c");

            await Eventually.UntilAsync(() => back.Seen<SyncRequest>().Any(), ClusterHarness.Bound);
            back.Seen<SyncRequest>().Single().LogIndex.Should().BeGreaterThanOrEqualTo(Replication.ClusterStateMachine.SnapshotEvery);
            await Eventually.UntilAsync(() => back.Coordinator.State.Health.Count == before.Health.Count, ClusterHarness.Bound, "the restored state should hold every report");
            back.Coordinator.State.Health.Should().BeEquivalentTo(before.Health);
            back.Coordinator.HasQuorum.Should().BeFalse();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_cut_off_from_the_majority_refuses_cluster_wide_actions_and_its_breakers_keep_working()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (_, o) => o.SharedCircuits.Add("payments"));
        await cluster.LeaderAsync();
        ClusterNode lone = cluster.Nodes["node-c"];
        await ClusterHarness.StopNodeAsync(cluster.Nodes["node-a"]);
        await ClusterHarness.StopNodeAsync(cluster.Nodes["node-b"]);
        await Eventually.UntilAsync(() => !lone.Coordinator.HasQuorum, ClusterHarness.Bound, "the lone node should know it has no majority");

        Func<Task> report = () => lone.Coordinator.ReportHealthAsync("orders", HealthLevel.Failed, "down");
        Func<Task> lease = () => lone.Coordinator.RequestHealingAsync("orders-db", "orders", "Restart");

        // Refused, or (when the node was still named leader and appended it) unknown: never applied, as the state shows.
        (await report.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => e is ClusterUnavailableException || e is ClusterOutcomeUnknownException);
        (await lease.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => e is ClusterUnavailableException || e is ClusterOutcomeUnknownException);
        lone.Coordinator.State.Health.Should().BeEmpty();
        lone.Coordinator.State.Leases.Should().BeEmpty();

        CircuitBreaker local = lone.Breakers.GetOrCreate("payments");
        local.Isolate();
        local.State.Should().Be(CircuitState.Isolated);
        local.Reset();
        (await local.ExecuteAsync(_ => new ValueTask<int>(7))).Value.Should().Be(7);
    }
}
