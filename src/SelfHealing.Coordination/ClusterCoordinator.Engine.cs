using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Transport;

namespace SelfHealing.Coordination;

// The Raft engine's life inside the node: opening the log and the engine, and restarting both in place when the
// write-ahead log fails under a running node.
public sealed partial class ClusterCoordinator
{
    private readonly SemaphoreSlim _engineGate = new(1, 1);
    private readonly SemaphoreSlim _logSuspect = new(0, 1);
    private int _engineRestarts;
    private volatile Exception? _engineDown;

    /// <summary>How often the log is checked while nothing else points at it.</summary>
    internal static readonly TimeSpan LogCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Gets how many times this node restarted its Raft engine after its log failed.</summary>
    internal int EngineRestarts => Volatile.Read(ref _engineRestarts);

    /// <summary>Restores the state from its snapshot and opens the write-ahead log over it (which applies the committed entries after the snapshot).</summary>
    private async Task<(ClusterStateMachine Machine, WriteAheadLog Log, long RestoredIndex)> OpenLogAsync(string directory, CancellationToken cancellationToken)
    {
        var machine = new ClusterStateMachine(new DirectoryInfo(Path.Combine(directory, "state")), a => _applied.Writer.TryWrite(a));
        WriteAheadLog? log = null;
        try
        {
            try
            {
                await machine.RestoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                throw new InvalidOperationException($"The cluster state snapshot in '{directory}' cannot be read ({ex.Message}); it was left as it is. Move it away to start this node empty: it will catch up from the leader.", ex);
            }

            log = new WriteAheadLog(new WriteAheadLog.Options { Location = Path.Combine(directory, "log") }, machine);
            await log.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return (machine, log, log.LastCommittedEntryIndex);
        }
        catch
        {
            if (log is not null)
            {
                await DisposeQuietlyAsync(log).ConfigureAwait(false);
            }

            await machine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The engine over <paramref name="log"/>, with the node's settings (init-only, so both transports list them).</summary>
    private RaftCluster NewEngine(IPEndPoint local, WriteAheadLog log)
    {
        var members = new StaticMemberStorage(_endPointsById.Values);
        int lower = (int)_options.ElectionTimeoutMin.TotalMilliseconds, upper = (int)_options.ElectionTimeoutMax.TotalMilliseconds;
        RaftCluster.NodeConfiguration configuration = _options.Transport == ClusterTransport.Custom
            ? new RaftCluster.CustomTransportConfiguration(local, _options.Connections!.Listener, _options.Connections.Client)
            {
                ConfigurationStorage = members, ConnectTimeout = _options.ConnectTimeout, RequestTimeout = _options.RequestTimeout,
                LowerElectionTimeout = lower, UpperElectionTimeout = upper, HeartbeatThreshold = _options.HeartbeatThreshold,
                ColdStart = false, Standby = _options.Observer, LoggerFactory = _loggerFactory,
            }
            : new RaftCluster.TcpConfiguration(local)
            {
                ConfigurationStorage = members, ConnectTimeout = _options.ConnectTimeout, RequestTimeout = _options.RequestTimeout,
                LowerElectionTimeout = lower, UpperElectionTimeout = upper, HeartbeatThreshold = _options.HeartbeatThreshold,
                ColdStart = false, Standby = _options.Observer, LoggerFactory = _loggerFactory,
                SslOptions = _options.Tls is { } tls ? ClusterTls.RaftOptions(tls) : null,
            };
        configuration.Metadata[CommandForwarder.MetadataKey] = _forwarder!.LocalEndPoint?.ToString() ?? string.Empty;
        var cluster = new RaftCluster(configuration) { AuditTrail = log };
        cluster.LeaderChanged += OnLeaderChanged;
        cluster.MemberAdded += OnMemberAdded;
        cluster.MemberRemoved += OnMemberRemoved;
        return cluster;
    }

    private async Task StartEngineAsync(RaftCluster cluster, CancellationToken cancellationToken)
    {
        await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (RaftClusterMember member in cluster.Members)
        {
            Watch(member);
        }
    }

    /// <summary>A command failed inside the engine: check the log now rather than at the next interval.</summary>
    private void SuspectLog()
    {
        try
        {
            _logSuspect.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already suspected.
        }
    }

    /// <summary>
    /// Checks the write-ahead log every <see cref="LogCheckInterval"/> (or at once when a command failed in the engine).
    /// DotNext's log stops for good when its background flush fails (for one, a flush that races a snapshot installed
    /// past the end of the log reads pages that were never written: docs/coordination.md), and every request on the node
    /// fails from then on; the node then restarts its engine from its own directory, as a process restart would.
    /// </summary>
    private async Task WatchLogAsync(IPEndPoint local, string directory, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await _logSuspect.WaitAsync(LogCheckInterval, stopping).ConfigureAwait(false);
                Exception? failure = _engineDown is { } down ? down
                    : _log is { } log ? await HasFailedAsync(log, stopping).ConfigureAwait(false)
                    : null;
                if (failure is not null)
                {
                    await RestartEngineAsync(local, directory, failure, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>The log's own failure, when it has one.</summary>
    private async Task<Exception?> HasFailedAsync(WriteAheadLog log, CancellationToken stopping)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bound.CancelAfter(_options.RequestTimeout * 5);
        try
        {
            await log.WaitForApplyAsync(0, bound.Token).ConfigureAwait(false); // answers at once, with the log's failure when it has one
            return null;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return null; // no answer yet: not known to have failed
        }
        catch (ObjectDisposedException)
        {
            return null; // being replaced or stopped
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex;
        }
    }

    /// <summary>Stops the failed engine and log and opens both again from the node's directory; the forwarder and the loops carry on.</summary>
    private async Task RestartEngineAsync(IPEndPoint local, string directory, Exception failure, CancellationToken stopping)
    {
        await _engineGate.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            if (!_running)
            {
                return;
            }

            if (_engineDown is null)
            {
                LogEngineFailed(_logger, failure, NodeId, failure.InnerException?.Message ?? failure.Message);
                _engineDown = failure; // until the engine runs again: a failed attempt is tried again at the next check
                RaftCluster failed = _cluster!;
                failed.LeaderChanged -= OnLeaderChanged;
                try
                {
                    using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    bound.CancelAfter(_options.RequestTimeout * 5);
                    await failed.StopAsync(bound.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The engine failed already; whatever its stop throws, it is replaced.
                catch (Exception)
#pragma warning restore CA1031
                {
                }

                failed.Dispose();
                await DisposeQuietlyAsync(_log!).ConfigureAwait(false);
                await _machine!.DisposeAsync().ConfigureAwait(false);
            }

            (ClusterStateMachine machine, WriteAheadLog log, _) = await OpenLogAsync(directory, stopping).ConfigureAwait(false);
            RaftCluster cluster = NewEngine(local, log);
            _machine = machine;
            _log = log;
            _cluster = cluster;
            await StartEngineAsync(cluster, stopping).ConfigureAwait(false);
            _engineDown = null;
            Interlocked.Increment(ref _engineRestarts);
            LogEngineRestarted(_logger, NodeId, log.LastCommittedEntryIndex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            LogEngineRestartFailed(_logger, ex, NodeId, LogCheckInterval.TotalSeconds);
        }
        finally
        {
            _engineGate.Release();
        }
    }

    private async Task DisposeQuietlyAsync(WriteAheadLog log)
    {
        try
        {
            await log.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStopFailed(_logger, ex, NodeId);
        }
    }
}
