using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination.Replication;

namespace SelfHealing.Coordination.Transport;

/// <summary>
/// Carries a follower's command to the leader, which alone may append to the Raft log, and the leader's answer back:
/// one length-prefixed JSON request and one reply per connection, over TCP, with the cluster's TLS when configured.
/// The leader publishes the address of its forwarder in its Raft member metadata.
/// </summary>
internal sealed partial class CommandForwarder : IAsyncDisposable
{
    internal const string MetadataKey = "selfhealing.forward";
    private const int MaxFrame = 1 << 20;

    private readonly CoordinationTlsOptions? _tls;
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public CommandForwarder(CoordinationTlsOptions? tls, TimeSpan connectTimeout, ILogger logger)
    {
        _tls = tls;
        _connectTimeout = connectTimeout;
        _logger = logger;
    }

    /// <summary>Gets where the forwarder listens, once started.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>Starts listening on <paramref name="port"/> (0: a free one) of <paramref name="address"/>.</summary>
    public void Start(IPAddress address, int port, Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle)
    {
        _listener = new TcpListener(address, port);
        _listener.Start();
        _accepting = AcceptAsync(_listener, handle, _stopping.Token);
    }

    /// <summary>Sends <paramref name="command"/> to the forwarder at <paramref name="endpoint"/> and reads its reply.</summary>
    public async Task<ForwardReply> SendAsync(EndPoint endpoint, ClusterCommand command, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(_connectTimeout);
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
        await using (stream.ConfigureAwait(false))
        {
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(ClusterTls.ClientOptions(_tls), cancellationToken).ConfigureAwait(false);
                stream = ssl;
            }

            await WriteFrameAsync(stream, command.Serialize(), cancellationToken).ConfigureAwait(false);
            byte[] reply = await ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<ForwardReply>(reply, ClusterCommand.Json)
                ?? throw new IOException("The leader's forwarder sent an empty reply.");
        }
    }

    private async Task AcceptAsync(TcpListener listener, Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, handle, stopping);
        }
    }

    private async Task ServeAsync(TcpClient client, Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle, CancellationToken stopping)
    {
        using (client)
        {
            IPAddress? remote = (client.Client.RemoteEndPoint as IPEndPoint)?.Address;
            string from = remote?.ToString() ?? "?";
            try
            {
                Stream stream = client.GetStream();
                await using (stream.ConfigureAwait(false))
                {
                    if (_tls is not null)
                    {
                        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                        await ssl.AuthenticateAsServerAsync(ClusterTls.ServerOptions(_tls), stopping).ConfigureAwait(false);
                        stream = ssl;
                    }

                    byte[] request = await ReadFrameAsync(stream, stopping).ConfigureAwait(false);
                    ForwardReply reply;
                    try
                    {
                        reply = await handle(ClusterCommand.Deserialize(request), remote, stopping).ConfigureAwait(false);
                    }
                    catch (JsonException ex)
                    {
                        reply = ForwardReply.Refused($"the command could not be read: {ex.Message}");
                    }

                    await WriteFrameAsync(stream, JsonSerializer.SerializeToUtf8Bytes(reply, ClusterCommand.Json), stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                LogForwardFailed(_logger, from, ex.Message);
            }
        }
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] payload, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        int length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxFrame)
        {
            throw new IOException($"A forwarded frame of {length} bytes is outside 0 to {MaxFrame}.");
        }

        byte[] payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 8090, Level = LogLevel.Debug, Message = "A forwarded command from {Remote} was not served: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string remote, string reason);
}
