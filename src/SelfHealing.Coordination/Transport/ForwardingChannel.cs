using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace SelfHealing.Coordination.Transport;

/// <summary>How the command forwarder listens and connects: plain or TLS sockets, or a custom transport's factories.</summary>
internal abstract class ForwardingChannel : IAsyncDisposable
{
    /// <summary>Gets where this node's forwarder listens, once bound.</summary>
    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>Starts listening.</summary>
    public abstract ValueTask BindAsync(IPEndPoint endpoint, CancellationToken cancellationToken);

    /// <summary>Waits for the next incoming connection; null once the channel is closed.</summary>
    public abstract ValueTask<(Stream Stream, IPAddress? Remote)?> AcceptAsync(CancellationToken cancellationToken);

    /// <summary>Authenticates an accepted connection where the channel asks for it (TLS); the same stream otherwise.</summary>
    public virtual ValueTask<Stream> SecureAsync(Stream accepted, CancellationToken cancellationToken) => new(accepted);

    /// <summary>Connects to a forwarder.</summary>
    public abstract ValueTask<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Sockets, with the cluster's TLS when configured.</summary>
    internal sealed class Tcp(CoordinationTlsOptions? tls, TimeSpan connectTimeout) : ForwardingChannel
    {
        private TcpListener? _listener;

        public override EndPoint? LocalEndPoint => _listener?.LocalEndpoint;

        public override ValueTask BindAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
        {
            _listener = new TcpListener(endpoint);
            _listener.Start();
            return ValueTask.CompletedTask;
        }

        public override async ValueTask<(Stream Stream, IPAddress? Remote)?> AcceptAsync(CancellationToken cancellationToken)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return null;
            }

            IPAddress? remote = (client.Client.RemoteEndPoint as IPEndPoint)?.Address;
            return (new OwningStream(client.GetStream(), client), remote);
        }

        public override async ValueTask<Stream> SecureAsync(Stream accepted, CancellationToken cancellationToken)
        {
            if (tls is null)
            {
                return accepted;
            }

            var ssl = new SslStream(accepted, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsServerAsync(ClusterTls.ServerOptions(tls), cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public override async ValueTask<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    connect.CancelAfter(connectTimeout);
                    if (endpoint is DnsEndPoint dns)
                    {
                        await client.ConnectAsync(dns.Host, dns.Port, connect.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await client.ConnectAsync((IPEndPoint)endpoint, connect.Token).ConfigureAwait(false);
                    }
                }

                Stream stream = client.GetStream();
                if (tls is null)
                {
                    return new OwningStream(stream, client);
                }

                var ssl = new SslStream(new OwningStream(stream, client), leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(ClusterTls.ClientOptions(tls), cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public override ValueTask DisposeAsync()
        {
            _listener?.Stop();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A custom transport's connection factories.</summary>
    internal sealed class Custom(ClusterConnections connections, TimeSpan connectTimeout) : ForwardingChannel
    {
        private IConnectionListener? _listener;

        public override EndPoint? LocalEndPoint => _listener?.EndPoint;

        public override async ValueTask BindAsync(IPEndPoint endpoint, CancellationToken cancellationToken) =>
            _listener = await connections.Listener.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);

        public override async ValueTask<(Stream Stream, IPAddress? Remote)?> AcceptAsync(CancellationToken cancellationToken)
        {
            ConnectionContext? connection;
            try
            {
                connection = await _listener!.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return null;
            }

            return connection is null ? null : (new ConnectionStream(connection), (connection.RemoteEndPoint as IPEndPoint)?.Address);
        }

        public override async ValueTask<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(connectTimeout);
            return new ConnectionStream(await connections.Client.ConnectAsync(endpoint, connect.Token).ConfigureAwait(false));
        }

        public override async ValueTask DisposeAsync()
        {
            if (_listener is not null)
            {
                await _listener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
                await _listener.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A socket's stream that also disposes its client.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : DelegatingStream(inner, inner)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                owner.Dispose();
            }
        }
    }
}
