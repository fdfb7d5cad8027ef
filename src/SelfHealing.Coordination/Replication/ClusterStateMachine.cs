using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace SelfHealing.Coordination.Replication;

/// <summary>
/// Applies <see cref="ClusterCommand"/>s in log order and keeps the whole state in memory, snapshotted to disk every
/// <see cref="SnapshotEvery"/> entries so the log can be compacted and a restarted node starts from the snapshot.
/// Applying is deterministic: it reads only the command (the leader stamped the time), never the local clock.
/// </summary>
internal sealed class ClusterStateMachine(DirectoryInfo location, Action<AppliedCommand> applied) : SimpleStateMachine(location)
{
    internal const int SnapshotEvery = 64;

    /// <summary>How many of the last applied commands' ids are remembered, so a command sent again is applied once.</summary>
    internal const int RememberedCommands = 4096;
    private const int MaxHealthReports = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CircuitEntry> _circuits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _configuration = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClusterLease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Node, string Component), ClusterHealthReport> _health = [];
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<object?>> _waiters = new();
    private readonly HashSet<Guid> _remembered = [];
    private readonly Queue<Guid> _rememberedOrder = new();
    private long _configurationIndex;
    private long _appliedIndex;
    private ClusterState _state = ClusterState.Empty;

    /// <summary>Gets the state as last applied.</summary>
    public ClusterState State => Volatile.Read(ref _state);

    /// <summary>Registers interest in the outcome of a command before it is appended.</summary>
    public Task<object?> WaitFor(Guid requestId)
    {
        var source = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[requestId] = source;
        return source.Task;
    }

    /// <summary>Gets whether the command with <paramref name="requestId"/> was applied here (among the last <see cref="RememberedCommands"/>).</summary>
    public bool WasApplied(Guid requestId)
    {
        lock (_gate)
        {
            return _remembered.Contains(requestId);
        }
    }

    /// <summary>Forgets a waiter whose command will not be applied (refused, timed out).</summary>
    public void Forget(Guid requestId) => _waiters.TryRemove(requestId, out _);

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsConfiguration || !entry.TryGetPayload(out ReadOnlySequence<byte> payload) || payload.IsEmpty)
        {
            lock (_gate)
            {
                _appliedIndex = entry.Index;
            }

            return new(false);
        }

        ClusterCommand command = ClusterCommand.Deserialize(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        AppliedCommand result;
        lock (_gate)
        {
            result = Apply(entry.Index, command);
            _appliedIndex = entry.Index;
            Volatile.Write(ref _state, Build());
        }

        if (_waiters.TryRemove(command.RequestId, out TaskCompletionSource<object?>? waiter))
        {
            waiter.TrySetResult(result.Outcome);
        }

        applied(result);
        return new(entry.Index % SnapshotEvery == 0);
    }

    internal AppliedCommand Apply(long index, ClusterCommand command)
    {
        // A command sent again after an unknown outcome is applied once. A lease request is the exception: asking again
        // is already idempotent for the same node (it renews its own lease), and the node is still waiting for an answer.
        bool seen = !Remember(command.RequestId);
        if (seen && command is not AcquireLeaseCommand)
        {
            return new(index, command, null, null) { Duplicate = true };
        }

        switch (command)
        {
            case ReportCircuitCommand c:
                return new(index, c, null, ApplyCircuit(c));

            case ReportHealthCommand h:
                if (_health.Count < MaxHealthReports || _health.ContainsKey((h.Node, h.Component)))
                {
                    _health[(h.Node, h.Component)] = new ClusterHealthReport(h.Node, h.Component, h.Level, h.Reason, h.Timestamp);
                }

                return new(index, h, null, null);

            case ProposeConfigurationCommand p:
                foreach ((string name, string value) in p.Values)
                {
                    _configuration[name] = value;
                }

                _configurationIndex = index;
                return new(index, p, null, null);

            case AcquireLeaseCommand a:
                return new(index, a, ApplyAcquire(index, a), null);

            case ReleaseLeaseCommand r:
                bool released = _leases.TryGetValue(r.Target, out ClusterLease? held)
                    && held.LeaseId == r.LeaseId
                    && string.Equals(held.Holder, r.Node, StringComparison.Ordinal)
                    && _leases.Remove(r.Target);
                return new(index, r, released ? held : null, null);

            default:
                return new(index, command, null, null);
        }
    }

    private ClusterCircuit? ApplyCircuit(ReportCircuitCommand c)
    {
        if (!_circuits.TryGetValue(c.Circuit, out CircuitEntry? entry))
        {
            entry = new CircuitEntry();
            _circuits.Add(c.Circuit, entry);
        }

        bool changed = c.Open ? entry.OpenNodes.Add(c.Node) : entry.OpenNodes.Remove(c.Node);
        entry.Quorum = c.Quorum;
        bool reached = entry.OpenNodes.Count >= Math.Max(1, c.Quorum);
        if (reached && (!entry.Open || (c.Open && changed && c.Timestamp >= entry.OpenUntil)))
        {
            entry.Open = true;
            entry.OpenUntil = c.Timestamp + c.BreakDuration;
            return entry.View(c.Circuit);
        }

        if (!reached && entry.Open)
        {
            entry.Open = false;
            return entry.View(c.Circuit);
        }

        return null;
    }

    private bool Remember(Guid requestId)
    {
        if (!_remembered.Add(requestId))
        {
            return false;
        }

        _rememberedOrder.Enqueue(requestId);
        if (_rememberedOrder.Count > RememberedCommands)
        {
            _remembered.Remove(_rememberedOrder.Dequeue());
        }

        return true;
    }

    // A renewal by the holder keeps the grant (its id and fencing token); a new grant takes this entry's index as its
    // fencing token, so tokens only grow. A lapsed lease goes to another node only after the asker's regrant delay.
    private LeaseDecision ApplyAcquire(long index, AcquireLeaseCommand a)
    {
        string key = a.Target;
        if (_leases.TryGetValue(key, out ClusterLease? held))
        {
            bool sameHolder = string.Equals(held.Holder, a.Node, StringComparison.Ordinal);
            if (held.ExpiresAt > a.Timestamp)
            {
                if (!sameHolder)
                {
                    return new LeaseDecision(false, held);
                }

                ClusterLease renewed = held with { ExpiresAt = a.Timestamp + a.Duration, Action = a.Action, Component = a.Component };
                _leases[key] = renewed;
                return new LeaseDecision(true, renewed);
            }

            if (!sameHolder && held.ExpiresAt + a.RegrantDelay > a.Timestamp)
            {
                return new LeaseDecision(false, held);
            }
        }

        var lease = new ClusterLease(a.Target, a.Component, a.Action, a.Node, a.RequestId, a.Timestamp, a.Timestamp + a.Duration) { FencingToken = index };
        _leases[key] = lease;
        return new LeaseDecision(true, lease);
    }

    private ClusterState Build() => new(
        _appliedIndex,
        _circuits.ToDictionary(p => p.Key, p => p.Value.View(p.Key), StringComparer.Ordinal),
        new Dictionary<string, string>(_configuration, StringComparer.Ordinal),
        _configurationIndex,
        [.. _leases.Values.OrderBy(l => l.Target, StringComparer.Ordinal)],
        [.. _health.Values.OrderBy(h => h.Node, StringComparer.Ordinal).ThenBy(h => h.Component, StringComparer.Ordinal)]);

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        byte[] bytes;
        lock (_gate)
        {
            var document = new Snapshot(
                _appliedIndex,
                [.. _circuits.Select(p => new CircuitRecord(p.Key, [.. p.Value.OpenNodes.Order(StringComparer.Ordinal)], p.Value.Open, p.Value.OpenUntil, p.Value.Quorum))],
                new Dictionary<string, string>(_configuration, StringComparer.Ordinal),
                _configurationIndex,
                [.. _leases.Values],
                [.. _health.Values])
            {
                RecentCommands = [.. _rememberedOrder],
            };
            bytes = JsonSerializer.SerializeToUtf8Bytes(document, ClusterCommand.Json);
        }

        return writer.WriteAsync(bytes, lengthFormat: null, token);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        byte[] bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        Snapshot document = JsonSerializer.Deserialize<Snapshot>(bytes, ClusterCommand.Json)
            ?? throw new InvalidDataException($"The cluster state snapshot '{snapshotFile.FullName}' is empty.");
        lock (_gate)
        {
            _circuits.Clear();
            foreach (CircuitRecord c in document.Circuits)
            {
                var entry = new CircuitEntry { Open = c.Open, OpenUntil = c.OpenUntil, Quorum = c.Quorum };
                entry.OpenNodes.UnionWith(c.OpenNodes);
                _circuits[c.Name] = entry;
            }

            _configuration.Clear();
            foreach ((string name, string value) in document.Configuration)
            {
                _configuration[name] = value;
            }

            _leases.Clear();
            foreach (ClusterLease lease in document.Leases)
            {
                _leases[lease.Target] = lease;
            }

            _health.Clear();
            foreach (ClusterHealthReport report in document.Health)
            {
                _health[(report.Node, report.Component)] = report;
            }

            _remembered.Clear();
            _rememberedOrder.Clear();
            foreach (Guid id in document.RecentCommands ?? [])
            {
                Remember(id);
            }

            _configurationIndex = document.ConfigurationIndex;
            _appliedIndex = document.AppliedIndex;
            Volatile.Write(ref _state, Build());
        }

        applied(AppliedCommand.Restored(document.AppliedIndex)); // entries it covers are never applied one by one here
    }

    private sealed class CircuitEntry
    {
        public HashSet<string> OpenNodes { get; } = new(StringComparer.Ordinal);

        public bool Open { get; set; }

        public DateTimeOffset OpenUntil { get; set; }

        public int Quorum { get; set; }

        public ClusterCircuit View(string name) =>
            new(name, Open, [.. OpenNodes.Order(StringComparer.Ordinal)], Quorum, Open ? OpenUntil : null);
    }

    private sealed record CircuitRecord(string Name, string[] OpenNodes, bool Open, DateTimeOffset OpenUntil, int Quorum);

    private sealed record Snapshot(
        long AppliedIndex,
        CircuitRecord[] Circuits,
        Dictionary<string, string> Configuration,
        long ConfigurationIndex,
        ClusterLease[] Leases,
        ClusterHealthReport[] Health)
    {
        /// <summary>Gets the ids of the last applied commands, oldest first (absent from snapshots of earlier versions).</summary>
        public Guid[]? RecentCommands { get; init; }
    }
}
