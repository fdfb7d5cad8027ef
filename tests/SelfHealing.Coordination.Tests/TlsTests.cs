using System.Security.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Coordination.Transport;
using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task Nodes_with_certificates_from_the_cluster_authority_elect_a_leader_and_replicate_over_mutual_tls()
    {
        using var authority = new TestCertificates("SelfHealing cluster CA");
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (id, o) => o.Tls = new CoordinationTlsOptions
        {
            Certificate = authority.Issue(id),
            TrustedRoot = authority.Authority,
        });
        ClusterNode leader = await cluster.LeaderAsync();
        ClusterNode follower = cluster.Running.First(n => n != leader);

        await ClusterHarness.AcceptedAsync(() => follower.Coordinator.ReportHealthAsync("orders", HealthLevel.Degraded, "slow", CancellationToken.None));

        await Eventually.UntilAsync(() => cluster.Running.All(n => n.Coordinator.State.WorstHealth("orders") == HealthLevel.Degraded), ClusterHarness.Bound);
    }

    [Fact]
    public async Task A_client_whose_certificate_another_authority_issued_cannot_reach_the_leader()
    {
        using var authority = new TestCertificates("SelfHealing cluster CA");
        using var stranger = new TestCertificates("Some other CA");
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3, (id, o) => o.Tls = new CoordinationTlsOptions
        {
            Certificate = authority.Issue(id),
            TrustedRoot = authority.Authority,
        });
        ClusterNode leader = await cluster.LeaderAsync();
        var intruderTls = new CoordinationTlsOptions { Certificate = stranger.Issue("node-a"), TrustedRoot = authority.Authority };
        await using var intruder = new CommandForwarder(new ForwardingChannel.Tcp(intruderTls, TimeSpan.FromSeconds(1)), NullLogger.Instance);

        Func<Task> forge = () => intruder.SendAsync(leader.Coordinator.ForwarderEndPoint!, new ReportHealthCommand("orders", HealthLevel.Failed, "forged") { Node = "node-a" }, CancellationToken.None);

        await forge.Should().ThrowAsync<Exception>().Where(e => e is AuthenticationException || e is IOException);
        leader.Coordinator.State.Health.Should().BeEmpty();
    }
}
