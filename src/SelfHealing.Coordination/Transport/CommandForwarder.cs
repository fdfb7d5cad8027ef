using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination.Replication;

namespace SelfHealing.Coordination.Transport;

/// <summary>
/// Carries a follower's command to the leader, which alone may append to the Raft log, and the leader's answer back:
/// one length-prefixed JSON request and one reply per connection, over the cluster's transport (TCP, with TLS when
/// configured, or a custom transport's connections).
/// The leader publishes the address of its forwarder in its Raft member metadata.
/// </summary>
internal sealed partial class CommandForwarder : IAsyncDisposable
{
    internal const string MetadataKey = "selfhealing.forward";
    private const int MaxFrame = 1 << 20;

    private readonly ForwardingChannel _channel;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _accepting = Task.CompletedTask;

    public CommandForwarder(ForwardingChannel channel, ILogger logger)
    {
        _channel = channel;
        _logger = logger;
    }

    /// <summary>Gets where the forwarder listens, once started.</summary>
    public EndPoint? LocalEndPoint => _channel.LocalEndPoint;

    /// <summary>Starts listening on <paramref name="endpoint"/> (port 0: a free one).</summary>
    public async Task StartAsync(IPEndPoint endpoint, Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle, CancellationToken cancellationToken)
    {
        await _channel.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        _accepting = AcceptAsync(handle, _stopping.Token);
    }

    /// <summary>Sends <paramref name="command"/> to the forwarder at <paramref name="endpoint"/> and reads its reply.</summary>
    /// <exception cref="ForwarderUnreachableException">No connection could be made: the command certainly did not reach it.</exception>
    public async Task<ForwardReply> SendAsync(EndPoint endpoint, ClusterCommand command, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await _channel.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new ForwarderUnreachableException($"The leader's forwarder at {endpoint} could not be reached: {ex.Message}", ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            await WriteFrameAsync(stream, command.Serialize(), cancellationToken).ConfigureAwait(false);
            byte[] reply = await ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<ForwardReply>(reply, ClusterCommand.Json)
                ?? throw new IOException("The leader's forwarder sent an empty reply.");
        }
    }

    private async Task AcceptAsync(Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (await _channel.AcceptAsync(stopping).ConfigureAwait(false) is not { } accepted)
            {
                return;
            }

            _ = ServeAsync(accepted.Stream, accepted.Remote, handle, stopping);
        }
    }

    private async Task ServeAsync(Stream accepted, IPAddress? remote, Func<ClusterCommand, IPAddress?, CancellationToken, Task<ForwardReply>> handle, CancellationToken stopping)
    {
        string from = remote?.ToString() ?? "?";
        try
        {
            Stream stream = await _channel.SecureAsync(accepted, stopping).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
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
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            await accepted.DisposeAsync().ConfigureAwait(false);
            LogForwardFailed(_logger, from, ex.Message);
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
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 8090, Level = LogLevel.Debug, Message = "A forwarded command from {Remote} was not served: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string remote, string reason);
}

/// <summary>A forwarder that could not be connected to: nothing was sent, so the command was certainly not applied.</summary>
internal sealed class ForwarderUnreachableException(string message, Exception inner) : IOException(message, inner);
