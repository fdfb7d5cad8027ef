using Microsoft.AspNetCore.Connections;

namespace SelfHealing.Coordination.Transport;

/// <summary>A custom transport's connection read and written as one stream; disposing it closes the connection.</summary>
internal sealed class ConnectionStream(ConnectionContext connection)
    : DelegatingStream(connection.Transport.Input.AsStream(leaveOpen: true), connection.Transport.Output.AsStream(leaveOpen: true))
{
    private int _disposed;

    /// <summary>Closes gracefully: what was written is still read by the peer, which then sees the end.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            await connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes at once (the synchronous path has no graceful close to wait for).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            connection.Transport.Output.Complete();
            connection.Transport.Input.Complete();
            connection.Abort();
        }

        base.Dispose(disposing);
    }
}
