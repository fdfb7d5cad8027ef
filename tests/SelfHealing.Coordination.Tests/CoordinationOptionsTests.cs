using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Coordination.Transport;
using SelfHealing.Health;

namespace SelfHealing.Coordination.Tests;

public sealed class CoordinationOptionsTests
{
    private static CoordinationOptions Valid()
    {
        var o = new CoordinationOptions { NodeId = "a" };
        o.Members["a"] = "127.0.0.1:7001";
        o.Members["b"] = "127.0.0.1:7002";
        o.Members["c"] = "localhost:7003";
        return o;
    }

    private static string Problems(CoordinationOptions o) => new CoordinationOptionsValidator().Validate(null, o) is { Failed: true } r ? r.FailureMessage : string.Empty;

    [Fact]
    public void Valid_options_pass() => Problems(Valid()).Should().BeEmpty();

    [Theory]
    [InlineData("127.0.0.1", "SelfHealing:Coordination:Members:b is '127.0.0.1'; allowed: host:port")]
    [InlineData("127.0.0.1:70000", "SelfHealing:Coordination:Members:b is '127.0.0.1:70000'; allowed: host:port")]
    [InlineData("not a host:80", "SelfHealing:Coordination:Members:b is 'not a host:80'")]
    [InlineData("127.0.0.1:7001", "an endpoint no other member has (node 'a' already has it)")]
    public void A_bad_or_duplicate_member_endpoint_is_named(string endpoint, string expected)
    {
        CoordinationOptions o = Valid();
        o.Members["b"] = endpoint;

        Problems(o).Should().Contain(expected);
    }

    [Fact]
    public void A_node_whose_own_endpoint_is_missing_from_the_members_is_refused()
    {
        CoordinationOptions o = Valid();
        o.NodeId = "d";

        Problems(o).Should().Contain("SelfHealing:Coordination:NodeId is 'd'; allowed: a key of Members (a, b, c): this node's own endpoint is missing from Members");
    }

    [Fact]
    public void An_inverted_election_range_and_other_out_of_range_values_are_named()
    {
        CoordinationOptions o = Valid();
        o.ElectionTimeoutMin = TimeSpan.FromMilliseconds(300);
        o.ElectionTimeoutMax = TimeSpan.FromMilliseconds(150);
        o.HeartbeatThreshold = 1;
        o.CircuitQuorum = 4;
        o.SharedCircuits.Add(" ");

        string problems = Problems(o);

        problems.Should().Contain("ElectionTimeoutMax is 00:00:00.1500000; allowed: more than ElectionTimeoutMin (00:00:00.3000000): the election range is inverted or empty");
        problems.Should().Contain("HeartbeatThreshold is 1; allowed: greater than 0 and less than 1");
        problems.Should().Contain("CircuitQuorum is 4; allowed: 0 to 3");
        problems.Should().Contain("SharedCircuits is a blank name");
    }

    [Fact]
    public void The_custom_transport_needs_its_connections_and_secures_itself()
    {
        CoordinationOptions o = Valid();
        o.Transport = ClusterTransport.Custom;
        o.Tls = new CoordinationTlsOptions { TargetHost = "localhost" };

        string problems = Problems(o);

        problems.Should().Contain("SelfHealing:Coordination:Connections is null; allowed: the connection factories of the Custom transport");
        problems.Should().Contain("SelfHealing:Coordination:Tls is set; allowed: null with the Custom transport, whose connection factories secure it");
    }

    [Fact]
    public void Tls_without_a_certificate_is_refused()
    {
        CoordinationOptions o = Valid();
        o.Tls = new CoordinationTlsOptions();

        Problems(o).Should().Contain("SelfHealing:Coordination:Tls:Certificate is null; allowed: this node's certificate with its private key");
    }

    [Fact]
    public void The_options_bind_from_configuration()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SelfHealing:Coordination:NodeId"] = "b",
            ["SelfHealing:Coordination:Members:a"] = "10.0.0.1:7400",
            ["SelfHealing:Coordination:Members:b"] = "10.0.0.2:7400",
            ["SelfHealing:Coordination:SharedCircuits:0"] = "payments",
            ["SelfHealing:Coordination:ElectionTimeoutMax"] = "00:00:00.450",
            ["SelfHealing:Coordination:ForwardingPort"] = "7401",
        });
        builder.Services.AddSelfHealing(b => b.UseCoordination());
        using IHost host = builder.Build();

        CoordinationOptions o = host.Services.GetRequiredService<IOptions<CoordinationOptions>>().Value;

        o.NodeId.Should().Be("b");
        o.Members.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "10.0.0.1:7400", ["b"] = "10.0.0.2:7400" });
        o.SharedCircuits.Should().Equal("payments");
        o.ElectionTimeoutMax.Should().Be(TimeSpan.FromMilliseconds(450));
        o.ForwardingPort.Should().Be(7401);
        host.Services.GetRequiredService<IClusterCoordinator>().NodeId.Should().Be("b");
    }

    [Fact]
    public async Task A_host_with_bad_coordination_options_does_not_start_and_says_why()
    {
        using IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddSelfHealing(b => b.UseCoordination(o =>
            {
                o.NodeId = "x";
                o.Members["a"] = "127.0.0.1:7001";
            })))
            .Build();

        Func<Task> start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("NodeId is 'x'");
    }

    [Fact]
    public async Task A_node_that_cannot_bind_its_port_fails_to_start_and_releases_what_it_had_opened()
    {
        int port = LoopbackPorts.Take(1)[0];
        IHost Build() => Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddSelfHealing(b => b.UseCoordination(o =>
            {
                o.NodeId = "a";
                o.Members["a"] = $"127.0.0.1:{port}";
            })))
            .Build();

        using (var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port))
        {
            squatter.Start();
            using IHost first = Build();
            var failed = first.Services.GetRequiredService<ClusterCoordinator>();
            Func<Task> start = () => first.StartAsync();

            await start.Should().ThrowAsync<System.Net.Sockets.SocketException>();
            failed.DataDirectory.Should().NotBeNull();
            Directory.Exists(failed.DataDirectory).Should().BeFalse("the temporary log directory of a failed start is removed");
            failed.Role.Should().Be(ClusterRole.Stopped);
        }

        using IHost second = Build();
        await second.StartAsync();
        var alone = second.Services.GetRequiredService<ClusterCoordinator>();
        (await alone.WaitForLeaderAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("a one-member cluster elects itself");
        await alone.ReportHealthAsync("orders", HealthLevel.Healthy);
        alone.State.Health.Should().ContainSingle();
        await second.StopAsync();
    }

    [Fact]
    public async Task The_leader_refuses_a_forwarded_command_from_a_node_that_is_not_a_member()
    {
        await using ClusterHarness cluster = await ClusterHarness.StartAsync(3);
        ClusterNode leader = await cluster.LeaderAsync();
        await using var forwarder = new CommandForwarder(new ForwardingChannel.Tcp(null, TimeSpan.FromSeconds(1)), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        System.Net.EndPoint target = leader.Coordinator.ForwarderEndPoint!;

        ForwardReply reply = await forwarder.SendAsync(target, new ReportHealthCommand("orders", HealthLevel.Failed, "forged") { Node = "intruder" }, CancellationToken.None);

        reply.Ok.Should().BeFalse();
        reply.Error.Should().Contain("'intruder' is not a member of this cluster");
        leader.Coordinator.State.Health.Should().BeEmpty();
    }
}
