using System.Net;
using System.Net.Sockets;
using DotNext.Net.Cluster.Consensus.Raft;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Transport;

namespace SelfHealing.Coordination;

/// <summary>How a cluster-wide action reaches the log: appended here when this node leads, forwarded to the leader otherwise.</summary>
public sealed partial class ClusterCoordinator
{
    private async Task<object?> SubmitAsync(ClusterCommand command, CancellationToken cancellationToken)
    {
        RaftCluster cluster = _running ? _cluster! : throw NotStarted();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(_options.CommandTimeout);
        bool sent = _unknown.ContainsKey(command.RequestId); // a retry: an earlier attempt may already be in the log
        try
        {
            if (IsLocalLeader(cluster))
            {
                sent = true;
                return Settled(command, await AppendAsync(cluster, command, deadline.Token).ConfigureAwait(false));
            }

            if (cluster.Leader is not { } leader || cluster.ConsensusToken.IsCancellationRequested)
            {
                throw NotApplied(command, sent, "no leader is visible from this node: it is on the minority side of a partition, or an election is under way");
            }

            ForwardReply reply;
            EndPoint forwarder = await ForwarderOfAsync(leader, refresh: false, deadline.Token).ConfigureAwait(false);
            try
            {
                sent = true;
                reply = await _forwarder!.SendAsync(forwarder, command, deadline.Token).ConfigureAwait(false);
            }
            catch (ForwarderUnreachableException)
            {
                // The address may be stale (the leader restarted, and its forwarder with it): ask the leader again.
                // Nothing was sent, so sending again cannot apply the command twice.
                sent = _unknown.ContainsKey(command.RequestId);
                forwarder = await ForwarderOfAsync(leader, refresh: true, deadline.Token).ConfigureAwait(false);
                sent = true;
                reply = await _forwarder!.SendAsync(forwarder, command, deadline.Token).ConfigureAwait(false);
            }

            if (reply.Unavailable)
            {
                throw NotApplied(command, sent && reply.MayBeApplied, reply.Error ?? "the leader could not commit it");
            }

            if (!reply.Ok)
            {
                throw new LeaderRefusedException($"The leader refused {Describe(command)}: {reply.Error}");
            }

            object? outcome = (object?)reply.Decision ?? reply.Released;
            await WaitUntilAppliedHereAsync(deadline.Token).ConfigureAwait(false);
            return Settled(command, outcome);
        }
        catch (ForwarderUnreachableException ex)
        {
            throw NotApplied(command, _unknown.ContainsKey(command.RequestId), ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NotApplied(command, sent, $"it was not committed by a majority within {_options.CommandTimeout.TotalMilliseconds:0} ms", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or NotLeaderException or QuorumUnreachableException or ObjectDisposedException)
        {
            throw NotApplied(command, sent, ex.Message, ex);
        }
        catch (Exception ex) when (IsEngineFailure(ex, cancellationToken))
        {
            // Whatever else the engine throws (an interrupted task after a pause, a failing log) is no answer either.
            SuspectLog();
            throw NotApplied(command, sent, $"the cluster engine failed ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    /// <summary>An exception that is neither one of the answers this API documents nor the caller's own cancellation.</summary>
    private static bool IsEngineFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not (ClusterUnavailableException or ClusterOutcomeUnknownException or LeaderRefusedException or ArgumentException)
        && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>The leader refused a value (for example a configuration value outside its parameter's range).</summary>
    private sealed class LeaderRefusedException(string message) : InvalidOperationException(message);

    /// <summary>A command answered: no longer kept for a retry.</summary>
    private object? Settled(ClusterCommand command, object? outcome)
    {
        _unknown.TryRemove(command.RequestId, out _);
        return outcome;
    }

    /// <summary>
    /// The exception for a command that got no answer: <see cref="ClusterUnavailableException"/> when it certainly did not
    /// reach the log, <see cref="ClusterOutcomeUnknownException"/> (and kept for <see cref="RetryAsync"/>) when it may have.
    /// </summary>
    private Exception NotApplied(ClusterCommand command, bool mayBeApplied, string why, Exception? inner = null)
    {
        if (!mayBeApplied)
        {
            return Refused(command, why, inner);
        }

        DateTimeOffset now = _time.GetUtcNow();
        _unknown[command.RequestId] = (command, now);
        foreach ((Guid id, (ClusterCommand _, DateTimeOffset at)) in _unknown)
        {
            if (now - at > UnknownKeptFor || _unknown.Count > UnknownKept)
            {
                _unknown.TryRemove(id, out _);
            }
        }

        LogOutcomeUnknown(_logger, NodeId, Describe(command), command.RequestId, why);
        return new ClusterOutcomeUnknownException(
            $"Cluster node '{NodeId}' sent {Describe(command)} but does not know whether it was applied: {why}. It may still be applied. WasApplied({command.RequestId}) tells once this node has applied it; RetryAsync({command.RequestId}) sends it again and it is applied at most once.",
            command.RequestId,
            inner);
    }

    /// <inheritdoc />
    public bool WasApplied(Guid commandId) => _machine?.WasApplied(commandId) ?? false;

    /// <inheritdoc />
    public async Task RetryAsync(Guid commandId, CancellationToken cancellationToken = default)
    {
        if (!_unknown.TryGetValue(commandId, out (ClusterCommand Command, DateTimeOffset At) kept))
        {
            if (WasApplied(commandId))
            {
                return;
            }

            throw new ArgumentException($"Cluster node '{NodeId}' keeps no command {commandId} for a retry: it was answered, is older than {UnknownKeptFor.TotalMinutes:0} minutes, or was sent by another node.", nameof(commandId));
        }

        if (WasApplied(commandId))
        {
            _unknown.TryRemove(commandId, out _);
            return;
        }

        await SubmitAsync(kept.Command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> AppendAsync(RaftCluster cluster, ClusterCommand command, CancellationToken cancellationToken)
    {
        ClusterCommand stamped = command with { Timestamp = _time.GetUtcNow() };
        if (stamped is ReportCircuitCommand circuit)
        {
            stamped = circuit with { Quorum = CircuitQuorum, BreakDuration = _options.ClusterBreakDuration };
        }

        Task<object?> applied = _machine!.WaitFor(stamped.RequestId);
        try
        {
            await cluster.ReplicateAsync(new ReadOnlyMemory<byte>(stamped.Serialize()), context: null, cancellationToken).ConfigureAwait(false);
            object? outcome = await applied.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = PushCommitAsync(cluster);
            return outcome;
        }
        finally
        {
            _machine.Forget(stamped.RequestId);
        }
    }

    /// <summary>
    /// Sends the new commit index to the followers now rather than with the next heartbeat (half an election timeout
    /// later), so every node applies the command within a round trip. A failure here changes nothing: the command is
    /// committed, and the next heartbeat carries the index.
    /// </summary>
    private async Task PushCommitAsync(RaftCluster cluster)
    {
        try
        {
            await cluster.ForceReplicationAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NotLeaderException or ObjectDisposedException or QuorumUnreachableException)
        {
        }
    }

    /// <summary>Serves a follower's command on the leader: only a configured member may change the replicated state.</summary>
    private async Task<ForwardReply> HandleForwardedAsync(ClusterCommand command, IPAddress? remote, CancellationToken stopping)
    {
        if (!_endPointsById.TryGetValue(command.Node, out EndPoint? member))
        {
            LogForeignCommand(_logger, NodeId, command.Node, remote?.ToString() ?? "?");
            return ForwardReply.Refused($"'{command.Node}' is not a member of this cluster");
        }

        if (member is IPEndPoint ip && remote is not null && !ip.Address.Equals(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            LogForeignCommand(_logger, NodeId, command.Node, remote.ToString());
            return ForwardReply.Refused($"'{command.Node}' is a member at {ip.Address}, not at {remote}");
        }

        RaftCluster? cluster = _cluster;
        if (!_running || cluster is null || !IsLocalLeader(cluster))
        {
            return ForwardReply.NotAvailable("the node that received it is no longer the leader");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_options.CommandTimeout);
        try
        {
            return ForwardReply.Done(await AppendAsync(cluster, command, deadline.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or NotLeaderException or QuorumUnreachableException or ObjectDisposedException)
        {
            return ForwardReply.Unknown($"the leader appended it but could not commit it: {ex.Message}");
        }
    }

    /// <summary>
    /// Where the leader takes forwarded commands, from its Raft metadata: read again from the leader itself on each new
    /// term (a new leader, or one that restarted with a new forwarding port) and after a failed connection.
    /// </summary>
    private async Task<EndPoint> ForwarderOfAsync(RaftClusterMember leader, bool refresh, CancellationToken cancellationToken)
    {
        long term = _cluster?.Term ?? 0;
        refresh |= Volatile.Read(ref _forwarderTerm) != term;
        IReadOnlyDictionary<string, string> metadata = await leader.GetMetadataAsync(refresh, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _forwarderTerm, term); // read from the leader of this term (a failed read is tried again next time)
        if (!metadata.TryGetValue(CommandForwarder.MetadataKey, out string? address) || !IPEndPoint.TryParse(address, out IPEndPoint? endpoint))
        {
            throw new IOException($"The leader '{IdOf(leader.EndPoint)}' does not publish a command forwarder; is it a SelfHealing node of the same version?");
        }

        return endpoint;
    }

    /// <summary>After the leader applied a forwarded command, waits until this node has applied it too, so its state reads it.</summary>
    private async Task WaitUntilAppliedHereAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _cluster!.ApplyReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is QuorumUnreachableException or NotLeaderException or TimeoutException)
        {
            // The command is committed; this node will apply it as it catches up.
        }
    }

    /// <summary>How often a refusal is logged as a warning (event 8005); the refusals in between are logged at Debug.</summary>
    internal static readonly TimeSpan RefusalWarningInterval = TimeSpan.FromSeconds(10);

    private readonly SelfHealing.Telemetry.LogThrottle _refusalLog;

    private int CircuitQuorum => _options.CircuitQuorum > 0
        ? _options.CircuitQuorum
        : (_options.Members.Count / 2) + 1;

    private ClusterUnavailableException Refused(ClusterCommand command, string why, Exception? inner = null)
    {
        string described = Describe(command);
        string message = $"Cluster node '{NodeId}' took no cluster-wide action for {described}: {why}. Local breakers and local recovery keep working.";
        // Every caller gets the exception; the log warns at most every RefusalWarningInterval, the rest at Debug.
        bool warn = _refusalLog.TryEnter(out long quiet);
        LogRefused(_logger, warn ? LogLevel.Warning : LogLevel.Debug, NodeId, described, why, quiet);
        return inner is null ? new ClusterUnavailableException(message) : new ClusterUnavailableException(message, inner);
    }

    private static string Describe(ClusterCommand command) => command switch
    {
        ReportCircuitCommand c => $"the report of circuit '{c.Circuit}' {(c.Open ? "open" : "closed")}",
        ReportHealthCommand h => $"the health report of '{h.Component}' ({h.Level})",
        ProposeConfigurationCommand p => $"the configuration change of {string.Join(", ", p.Values.Keys)}",
        AcquireLeaseCommand a => $"the lease on '{a.Target}' for {a.Action}",
        ReleaseLeaseCommand r => $"the release of the lease on '{r.Target}'",
        _ => command.GetType().Name,
    };
}
