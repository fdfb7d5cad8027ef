using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace SelfHealing.Coordination.Testing;

/// <summary>
/// A network inside one process for <see cref="ClusterTransport.Custom"/>: nodes connect through in-memory pipes, and a
/// test can cut the network into sides (<see cref="Partition"/>) and join it again (<see cref="Heal"/>) at a moment it
/// chooses, which sockets cannot do. Each node uses <see cref="ConnectionsFor"/> with its own endpoint.
/// </summary>
public sealed class InProcessClusterNetwork
{
    private readonly ConcurrentDictionary<EndPoint, Listener> _listeners = new();
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly Lock _gate = new();
    private HashSet<string>? _side;
    private int _nextPort = 50_000;

    /// <summary>Gets the connection factories a node uses: it listens and connects as <paramref name="node"/>.</summary>
    /// <param name="node">The node's endpoint as written in <see cref="CoordinationOptions.Members"/>, for example <c>127.0.0.1:7001</c>.</param>
    /// <returns>The factories to put in <see cref="CoordinationOptions.Connections"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="node"/> is not an IP endpoint.</exception>
    public ClusterConnections ConnectionsFor(string node)
    {
        if (!IPEndPoint.TryParse(node ?? string.Empty, out IPEndPoint? endpoint) || endpoint.Port == 0)
        {
            throw new ArgumentException($"'{node}' is not an IP endpoint with a port, such as 127.0.0.1:7001.", nameof(node));
        }

        var factories = new NodeFactories(this, endpoint.ToString());
        return new ClusterConnections(factories, factories);
    }

    /// <summary>
    /// Cuts the network in two: the nodes in <paramref name="side"/> reach only each other, the others only each other.
    /// Connections across the cut are broken at once (also one made and not yet accepted, which its listener then drops)
    /// and new ones are refused. A broken connection's reads and writes fail; asking it for a buffer still works.
    /// </summary>
    /// <param name="side">The endpoints of the nodes on one side.</param>
    public void Partition(IEnumerable<string> side)
    {
        ArgumentNullException.ThrowIfNull(side);
        Link[] cut;
        lock (_gate)
        {
            // Under the gate: a connection being made now is either in this list or refused.
            _side = [.. side.Select(s => IPEndPoint.Parse(s).ToString())];
            cut = [.. _links.Keys.Where(l => !CanTalk(l.From, l.To))];
        }

        foreach (Link link in cut)
        {
            link.Break();
        }
    }

    /// <summary>Joins the network again: every node may reach every other.</summary>
    public void Heal()
    {
        lock (_gate)
        {
            _side = null;
        }
    }

    private bool CanTalk(string from, string to)
    {
        lock (_gate)
        {
            return _side is null || _side.Contains(from) == _side.Contains(to);
        }
    }

    private sealed class NodeFactories(InProcessClusterNetwork network, string owner) : IConnectionListenerFactory, IConnectionFactory
    {
        public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            if (endpoint is IPEndPoint { Port: 0 } any)
            {
                endpoint = new IPEndPoint(any.Address, Interlocked.Increment(ref network._nextPort));
            }

            var listener = new Listener(network, endpoint, owner);
            if (!network._listeners.TryAdd(endpoint, listener))
            {
                throw new IOException($"The in-process endpoint {endpoint} is already bound.");
            }

            return new(listener);
        }

        public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            if (!network._listeners.TryGetValue(endpoint, out Listener? listener) || !listener.Open)
            {
                throw new IOException($"Connection refused: nothing listens on the in-process endpoint {endpoint}.");
            }

            var toServer = new Pipe();
            var toClient = new Pipe();
            var link = new Link(owner, listener.Owner);
            var client = new Connection(toClient.Reader, toServer.Writer, link, endpoint);
            var server = new Connection(toServer.Reader, toClient.Writer, link, IPEndPoint.Parse(owner));
            link.Ends = [client, server];
            lock (network._gate)
            {
                if (!network.CanTalk(owner, listener.Owner))
                {
                    throw new IOException($"Connection refused: the network is partitioned between {owner} and {listener.Owner}.");
                }

                network._links.TryAdd(link, 0);
            }

            link.Closed.Register(() => network._links.TryRemove(link, out _));
            listener.Accepted.Writer.TryWrite(server);
            return new(client);
        }
    }

    private sealed class Listener(InProcessClusterNetwork network, EndPoint endpoint, string owner) : IConnectionListener
    {
        public System.Threading.Channels.Channel<ConnectionContext> Accepted { get; } = System.Threading.Channels.Channel.CreateUnbounded<ConnectionContext>();

        public string Owner => owner;

        public bool Open { get; private set; } = true;

        public EndPoint EndPoint => endpoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                while (true)
                {
                    // A connection broken by a partition before it was accepted is dropped, as a reset socket in a backlog.
                    ConnectionContext next = await Accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (!next.ConnectionClosed.IsCancellationRequested)
                    {
                        return next;
                    }
                }
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            Open = false;
            Accepted.Writer.TryComplete();
            network._listeners.TryRemove(new KeyValuePair<EndPoint, Listener>(endpoint, this));
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnbindAsync();
    }

    /// <summary>Both ends of one connection, broken together.</summary>
#pragma warning disable CA1001 // The source is cancelled, never disposed: readers may still hold its token after the link closes.
    private sealed class Link(string from, string to)
#pragma warning restore CA1001
    {
        private readonly CancellationTokenSource _closed = new();

        public string From => from;

        public string To => to;

        public Connection[] Ends { get; set; } = [];

        public CancellationToken Closed => _closed.Token;

        public void Break()
        {
            foreach (Connection end in Ends)
            {
                end.Fail();
            }

            Close();
        }

        public void Close()
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>
    /// The writing end of a connection. Once the link is broken, writes fail, but asking for a buffer still works: a
    /// server asks for one on every connection it accepts, and an exception there would end its accept loop for good.
    /// </summary>
    private sealed class LinkWriter(PipeWriter inner) : PipeWriter
    {
        private byte[] _scratch = [];
        private volatile bool _broken;

        public void Break(Exception reason)
        {
            _broken = true;
            inner.Complete(reason);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (!_broken)
            {
                try
                {
                    return inner.GetMemory(sizeHint);
                }
                catch (InvalidOperationException) when (_broken)
                {
                }
            }

            if (_scratch.Length < Math.Max(sizeHint, 4096))
            {
                _scratch = new byte[Math.Max(sizeHint, 4096)];
            }

            return _scratch;
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (!_broken)
            {
                try
                {
                    inner.Advance(bytes);
                }
                catch (InvalidOperationException) when (_broken)
                {
                }
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _broken
            ? ValueTask.FromException<FlushResult>(new ConnectionAbortedException("The in-process network was partitioned."))
            : inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }

    private sealed class Connection : ConnectionContext
    {
        private readonly LinkWriter _output;
        private readonly Link _link;
        private readonly EndPoint _remote;

        public Connection(PipeReader input, PipeWriter output, Link link, EndPoint remote)
        {
            _output = new LinkWriter(output);
            _link = link;
            _remote = remote;
            Transport = new DuplexPipe(input, _output);
        }

        public override IDuplexPipe Transport { get; set; }

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override CancellationToken ConnectionClosed
        {
            get => _link.Closed;
            set { }
        }

        public override EndPoint? RemoteEndPoint
        {
            get => _remote;
            set { }
        }

        public void Fail()
        {
            var broken = new ConnectionAbortedException("The in-process network was partitioned.");
            Transport.Input.CancelPendingRead();
            _output.Break(broken);
            Transport.Input.Complete(broken);
        }

        public override void Abort(ConnectionAbortedException abortReason) => _link.Break();

        public override ValueTask DisposeAsync()
        {
            _link.Close();
            return base.DisposeAsync();
        }
    }
}
