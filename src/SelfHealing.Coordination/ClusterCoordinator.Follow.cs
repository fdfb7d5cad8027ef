using System.Globalization;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Coordination.Replication;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Optimization;

namespace SelfHealing.Coordination;

/// <summary>
/// The coordinator's two loops: one follows what the log applies (events, shared breakers, configuration); the other
/// reports what happens locally (breakers of shared dependencies, health changes, manual configuration changes).
/// </summary>
public sealed partial class ClusterCoordinator
{
    private bool Accepts(SelfHealingEvent e) => e switch
    {
        CircuitStateChanged c => IsShared(c.CircuitName),
        HealthChanged => _options.ReportHealth,
        ConfigChanged c => _options.ReplicateConfiguration && c.Snapshot.Source == ConfigSource.Manual,
        ConfigurationPromoted => _options.ReplicateConfiguration,
        _ => false,
    };

    private bool IsShared(string circuit) =>
        _options.SharedCircuits.Any(s => s == "*" || string.Equals(s, circuit, StringComparison.Ordinal));

    private async Task ReportLocalEventsAsync(EventSubscription subscription, CancellationToken stopping)
    {
        try
        {
            await foreach (SelfHealingEvent e in subscription.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await ReportAsync(e, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ClusterUnavailableException or ClusterOutcomeUnknownException)
                {
                    // Logged: this node is on the minority side, or got no answer; its own breakers and recovery carry on.
                    // A manual configuration change that is not known to be in the log is not kept here alone; should it
                    // be applied after all, the node follows the log and takes it then.
                    RevertUnreplicated(e, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    LogNotReported(_logger, NodeId, e.GetType().Name, ex.Message); // a value the leader refused, or the node stopping
                    RevertUnreplicated(e, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private Task ReportAsync(SelfHealingEvent e, CancellationToken stopping)
    {
        switch (e)
        {
            case CircuitStateChanged c when c.State == CircuitState.Open:
                _reportedOpen[c.CircuitName] = 0;
                return ReportCircuitAsync(c.CircuitName, open: true, stopping);

            case CircuitStateChanged c when c.State == CircuitState.Closed && _reportedOpen.TryRemove(c.CircuitName, out _):
                return ReportCircuitAsync(c.CircuitName, open: false, stopping);

            case HealthChanged h:
                return ReportHealthAsync(h.Component, h.Level, h.Level == HealthLevel.Healthy ? null : h.Reason, stopping);

            case ConfigChanged c when c.Changed.Count > 0:
                var values = c.Changed.Where(c.Snapshot.Values.ContainsKey).ToDictionary(n => n, n => c.Snapshot.Values[n], StringComparer.Ordinal);
                return values.Count == 0 ? Task.CompletedTask : ProposeConfigurationAsync(values, c.Snapshot.Reason ?? $"manual change on {NodeId}", stopping);

            case ConfigurationPromoted p when Role == ClusterRole.Leader:
                return ProposeConfigurationAsync(p.Snapshot.Values, $"promoted by the optimizer on {NodeId} (generation {p.Generation})", stopping);

            default:
                return Task.CompletedTask;
        }
    }

    /// <summary>The last log index this node followed (-1: none yet); only the loop below reads and writes it.</summary>
    private long _followedIndex = -1;

    private async Task FollowAppliedAsync(CancellationToken stopping)
    {
        await foreach (AppliedCommand applied in _applied.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (applied.Duplicate)
            {
                continue; // sent again after an unknown outcome, and already followed when first applied
            }

            if (applied.Index <= _followedIndex)
            {
                continue; // replayed by an engine restarted from this node's directory: followed and announced already
            }

            _followedIndex = applied.Index;

            try
            {
                Follow(applied);
            }
#pragma warning disable CA1031 // One entry that cannot be followed (a breaker, configuration or subscriber failing) must not end the loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFollowFailed(_logger, NodeId, applied.Index, ex.Message);
            }
        }
    }

    private void Follow(AppliedCommand applied)
    {
        DateTimeOffset now = _time.GetUtcNow();
        switch (applied.Command)
        {
            case ReportCircuitCommand when applied.CircuitChange is { } circuit:
                LogCircuit(_logger, NodeId, circuit.Name, circuit.IsOpen ? "open" : "closed", circuit.OpenNodes);
                Publish(new ClusterCircuitChanged(EventSource, now, circuit));
                FollowCircuit(circuit, now);
                break;

            case ReportHealthCommand h:
                Publish(new HealthUpdate(EventSource, now, new ClusterHealthReport(h.Node, h.Component, h.Level, h.Reason, h.Timestamp)));
                break;

            case ProposeConfigurationCommand p:
                Publish(new ConfigUpdate(EventSource, now, p.Node, applied.Index, p.Values, p.Reason));
                ApplyConfiguration(p.Values.Keys, applied.Index, string.Create(CultureInfo.InvariantCulture, $"replicated from {p.Node}{(p.Reason is null ? string.Empty : ": " + p.Reason)}"));
                break;

            case null:
                FollowRestored(applied.Index, now);
                break;

            case AcquireLeaseCommand a when applied.Outcome is LeaseDecision decision:
                Publish(new HealingRequested(EventSource, now, a.Node, a.Action, decision.Granted, decision.Lease));
                break;

            case ReleaseLeaseCommand r when applied.Outcome is ClusterLease released:
                Publish(new HealingExecuted(EventSource, now, released, r.Succeeded, r.Detail));
                break;
        }
    }

    private void FollowCircuit(ClusterCircuit circuit, DateTimeOffset now)
    {
        if (!IsShared(circuit.Name) || !TryGetBreaker(circuit.Name, out CircuitBreaker? breaker))
        {
            return;
        }

        if (circuit.IsOpenAt(now) && circuit.OpenUntil is { } until)
        {
            _isolated[circuit.Name] = until;
            if (breaker.State != CircuitState.Isolated)
            {
                breaker.Isolate();
            }

            _ = EndOpeningAsync(circuit.Name, until, _stopping.Token);
        }
        else
        {
            EndIsolation(circuit.Name, until: null);
        }
    }

    private bool TryGetBreaker(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CircuitBreaker? breaker)
    {
        if (_breakers.TryGet(name, out breaker))
        {
            return true;
        }

        if (_options.SharedCircuits.Contains(name))
        {
            breaker = _breakers.GetOrCreate(name);
            return true;
        }

        return false;
    }

    private async Task EndOpeningAsync(string circuit, DateTimeOffset until, CancellationToken stopping)
    {
        try
        {
            TimeSpan wait = until - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stopping).ConfigureAwait(false);
            }

            EndIsolation(circuit, until);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Hands a breaker the cluster isolated back to its own judgement; <paramref name="until"/> names the opening that ends,
    /// so a later opening of the same circuit is not ended early.
    /// </summary>
    private void EndIsolation(string circuit, DateTimeOffset? until)
    {
        if (until is { } end && (!_isolated.TryGetValue(circuit, out DateTimeOffset current) || current != end))
        {
            return;
        }

        if (_isolated.TryRemove(circuit, out _) && _breakers.TryGet(circuit, out CircuitBreaker? breaker) && breaker.State == CircuitState.Isolated)
        {
            breaker.Reset();
        }
    }

    /// <summary>
    /// A snapshot replaced the state (at start, or installed by the leader for a node that fell behind): the entries it
    /// covers are never applied one by one here, so the configuration and shared circuits are taken from it at once.
    /// </summary>
    private void FollowRestored(long index, DateTimeOffset now)
    {
        ClusterState state = State;
        foreach (ClusterCircuit circuit in state.Circuits.Values)
        {
            FollowCircuit(circuit, now);
        }

        if (state.ConfigurationIndex > 0 && state.Configuration.Count > 0)
        {
            string reason = string.Create(CultureInfo.InvariantCulture, $"restored from a snapshot of the log up to entry {index}");
            Publish(new ConfigUpdate(EventSource, now, ConfigUpdate.SnapshotOrigin, state.ConfigurationIndex, state.Configuration, reason));
            ApplyConfiguration(state.Configuration.Keys, state.ConfigurationIndex, reason);
        }
    }

    /// <summary>
    /// Makes the effective configuration show the replicated value of each of <paramref name="names"/>, read from the
    /// state as applied now (a later entry's value when one is already applied: the node converges on the latest).
    /// </summary>
    private void ApplyConfiguration(IEnumerable<string> names, long index, string reason)
    {
        if (_configuration is null)
        {
            return;
        }

        IReadOnlyDictionary<string, string> replicated = State.Configuration;
        var known = _configuration.Parameters.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        ConfigSnapshot current = _configuration.Current;
        var changes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (!replicated.TryGetValue(name, out string? value))
            {
                continue;
            }

            if (!known.Contains(name))
            {
                LogFollowFailed(_logger, NodeId, index, $"the replicated parameter '{name}' is not defined on this node; it was skipped");
                continue;
            }

            if (!current.Values.TryGetValue(name, out object? mine) || !string.Equals(ParameterDefinition.Format(mine), value, StringComparison.Ordinal))
            {
                changes[name] = value;
            }
        }

        if (changes.Count > 0)
        {
            _configuration.Update(changes, ConfigSource.Cluster, reason: reason);
        }
    }

    /// <summary>
    /// A manual configuration change that did not reach the log (no majority, or the leader refused it) goes back to the
    /// replicated value, or to the value before the change when the cluster has none, so what this node runs with is
    /// what the cluster agreed on. A value changed again since is left alone: that change is on its way too.
    /// </summary>
    private void RevertUnreplicated(SelfHealingEvent e, string why)
    {
        if (_configuration is null || e is not ConfigChanged { Snapshot.Source: ConfigSource.Manual } change)
        {
            return;
        }

        IReadOnlyDictionary<string, string> replicated = State.Configuration;
        ConfigSnapshot? before = _configuration.History.LastOrDefault(s => s.Version == change.PreviousVersion);
        ConfigSnapshot current = _configuration.Current;
        var back = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (string name in change.Changed)
        {
            bool unchangedSince = current.Values.TryGetValue(name, out object? now)
                && change.Snapshot.Values.TryGetValue(name, out object? refused)
                && string.Equals(ParameterDefinition.Format(now), ParameterDefinition.Format(refused), StringComparison.Ordinal);
            if (!unchangedSince)
            {
                continue;
            }

            if (replicated.TryGetValue(name, out string? agreed))
            {
                back[name] = agreed;
            }
            else if (before is not null && before.Values.TryGetValue(name, out object? previous))
            {
                back[name] = previous;
            }
        }

        if (back.Count > 0)
        {
            LogReverted(_logger, NodeId, string.Join(", ", back.Keys), why);
            _configuration.Update(back, ConfigSource.Cluster, reason: $"the manual change on {NodeId} did not reach the cluster: {why}");
        }
    }
}
