using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using SelfHealing.Coordination.Testing;

namespace SelfHealing.Coordination.Tests;

/// <summary>The in-process network itself: what a partition does to connections made, waiting, and made later.</summary>
public sealed class InProcessNetworkTests
{
    private const string Server = "127.0.0.1:7001";
    private const string Client = "127.0.0.1:7002";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_cut_before_its_server_accepted_it_is_dropped_and_the_server_accepts_the_next_one()
    {
        var network = new InProcessClusterNetwork();
        await using IConnectionListener listener = await network.ConnectionsFor(Server).Listener.BindAsync(IPEndPoint.Parse(Server));
        IConnectionFactory client = network.ConnectionsFor(Client).Client;
        await using ConnectionContext cut = await client.ConnectAsync(IPEndPoint.Parse(Server));

        network.Partition([Client]);
        network.Heal();
        await using ConnectionContext next = await client.ConnectAsync(IPEndPoint.Parse(Server));

        using var timeout = new CancellationTokenSource(Bound);
        await using ConnectionContext accepted = (await listener.AcceptAsync(timeout.Token))!;
        // A server sizes its buffers from the first span it gets: that must work on whatever it accepted.
        accepted.Transport.Output.GetSpan().Length.Should().BePositive();
        await next.Transport.Output.WriteAsync(new byte[] { 42 }, timeout.Token);
        ReadResult read = await accepted.Transport.Input.ReadAsync(timeout.Token);
        read.Buffer.ToArray().Should().Equal([(byte)42], "the server should have accepted the connection made after the heal");
    }

    [Fact]
    public async Task A_cut_connection_fails_reads_and_writes_but_still_hands_out_buffers()
    {
        var network = new InProcessClusterNetwork();
        await using IConnectionListener listener = await network.ConnectionsFor(Server).Listener.BindAsync(IPEndPoint.Parse(Server));
        await using ConnectionContext client = await network.ConnectionsFor(Client).Client.ConnectAsync(IPEndPoint.Parse(Server));
        using var timeout = new CancellationTokenSource(Bound);
        await using ConnectionContext server = (await listener.AcceptAsync(timeout.Token))!;

        network.Partition([Server]);

        client.ConnectionClosed.IsCancellationRequested.Should().BeTrue();
        client.Transport.Output.GetSpan(16).Length.Should().BeGreaterThanOrEqualTo(16);
        Func<Task> write = async () => await client.Transport.Output.WriteAsync(new byte[] { 1 }, timeout.Token);
        await write.Should().ThrowAsync<ConnectionAbortedException>();
        Func<Task> read = async () => await server.Transport.Input.ReadAsync(timeout.Token);
        await read.Should().ThrowAsync<Exception>();
        Func<Task> again = async () => await network.ConnectionsFor(Client).Client.ConnectAsync(IPEndPoint.Parse(Server));
        (await again.Should().ThrowAsync<IOException>()).WithMessage("*partitioned*");
    }
}
