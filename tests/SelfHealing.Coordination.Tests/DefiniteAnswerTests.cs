using SelfHealing.Coordination.Testing;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

/// <summary>
/// A refusal means the command was not applied; a command that may have reached the log is answered "outcome unknown",
/// with an id that tells later whether it was applied and lets it be sent again without being applied twice.
/// </summary>
public sealed class DefiniteAnswerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("selfhealing-answers-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_command_sent_again_under_the_same_id_is_applied_once()
    {
        await using var machine = new ClusterStateMachine(_directory, _ => { });
        var report = new ReportHealthCommand("orders", HealthLevel.Critical, "down") { Node = "node-a", Timestamp = DateTimeOffset.UnixEpoch };
        var change = new ProposeConfigurationCommand(new Dictionary<string, string> { ["workers"] = "9" }, "tuned") { Node = "node-a" };

        machine.Apply(1, report).Duplicate.Should().BeFalse();
        machine.Apply(2, change).Duplicate.Should().BeFalse();
        machine.Apply(3, report with { Level = HealthLevel.Healthy }).Duplicate.Should().BeTrue("the same request id was applied at entry 1");
        machine.Apply(4, change with { Values = new Dictionary<string, string> { ["workers"] = "3" } }).Duplicate.Should().BeTrue();

        machine.WasApplied(report.RequestId).Should().BeTrue();
        machine.WasApplied(Guid.NewGuid()).Should().BeFalse();
        var fresh = new ReportHealthCommand("orders", HealthLevel.Healthy, null) { Node = "node-a", Timestamp = DateTimeOffset.UnixEpoch };
        machine.Apply(5, fresh).Duplicate.Should().BeFalse("a new request id is a new command");
    }

    [Fact]
    public async Task A_command_the_leader_appended_but_could_not_commit_is_unknown_not_refused_and_its_id_settles_it()
    {
        var network = new InProcessClusterNetwork();
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (id, o) =>
        {
            o.Transport = ClusterTransport.Custom;
            o.Connections = network.ConnectionsFor(o.Members[id]);
            o.CommandTimeout = TimeSpan.FromSeconds(1);
        });
        ClusterNode leader = await cluster.LeaderAsync();
        ClusterNode[] followers = [.. cluster.Running.Where(n => n != leader)];
        await ClusterHarness.StopNodeAsync(followers[1]);

        // Cut off from its only live follower, the leader appends the report to its own log and cannot commit it. When the
        // two meet again only the old leader can win (its log is longer), and it commits what it appended.
        network.Partition([cluster.Members[followers[0].Id]]);
        Func<Task> report = () => leader.Coordinator.ReportHealthAsync("orders", HealthLevel.Critical, "sent during the cut");

        ClusterOutcomeUnknownException unknown = (await report.Should().ThrowAsync<ClusterOutcomeUnknownException>()).Which;
        unknown.Message.Should().Contain(unknown.CommandId.ToString()).And.Contain("may still be applied");
        leader.Coordinator.WasApplied(unknown.CommandId).Should().BeFalse();

        network.Heal();

        await Eventually.UntilAsync(() => leader.Coordinator.WasApplied(unknown.CommandId), ClusterHarness.Bound, "the appended report should be committed after the heal");
        await ClusterHarness.AcceptedAsync(() => leader.Coordinator.RetryAsync(unknown.CommandId));
        await ClusterHarness.AcceptedAsync(() => leader.Coordinator.ReportHealthAsync("payments", HealthLevel.Healthy));
        await Eventually.UntilAsync(() => followers[0].Coordinator.State.Health.Any(h => h.Component == "payments"), ClusterHarness.Bound);
        followers[0].Seen<HealthUpdate>().Count(e => e.Report.Reason == "sent during the cut").Should().Be(1, "applied once, however often it was sent");
        Func<Task> unknownId = () => leader.Coordinator.RetryAsync(Guid.NewGuid());
        (await unknownId.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("keeps no command");
    }
}
