using DotNext.Net.Cluster.Consensus.Raft;
using SelfHealing.Configuration;
using SelfHealing.Coordination.Replication;
using SelfHealing.Health;

namespace SelfHealing.Coordination;

// What the app asks of the cluster: waiting for a leader, reporting circuits and health, proposing configuration,
// healing leases.
public sealed partial class ClusterCoordinator
{
    /// <inheritdoc />
    public async Task<bool> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        RaftCluster cluster = _cluster ?? throw NotStarted();
        try
        {
            return await cluster.WaitForLeaderAsync(timeout, cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task ReportCircuitAsync(string circuit, bool open, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(circuit);
        return SubmitAsync(new ReportCircuitCommand(circuit, open) { Node = NodeId }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReportHealthAsync(string component, HealthLevel level, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"The health level {level} is not one of {string.Join(", ", Enum.GetNames<HealthLevel>())}.");
        }

        return SubmitAsync(new ReportHealthCommand(component, level, reason) { Node = NodeId }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ProposeConfigurationAsync(IReadOnlyDictionary<string, object> values, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No configuration value was given.", nameof(values));
        }

        var formatted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, object value) in values)
        {
            if (string.IsNullOrWhiteSpace(name) || value is null)
            {
                throw new ArgumentException($"The configuration value '{name}' is null or has no name.", nameof(values));
            }

            formatted[name] = value is string s ? s : ParameterDefinition.Format(value);
        }

        if (_configuration is not null)
        {
            CheckLocally(formatted);
        }

        return SubmitAsync(new ProposeConfigurationCommand(formatted, reason) { Node = NodeId }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<HealingLease> RequestHealingAsync(string target, string component, string action, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        TimeSpan length = duration ?? _options.DefaultLeaseDuration;
        if (length <= TimeSpan.Zero || length > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), length, "A lease lasts more than zero and at most one day.");
        }

        long sentAt = _time.GetTimestamp(); // the holder's clock starts before the cluster's can
        LeaseDecision decision = await AcquireAsync(target, component, action, length, cancellationToken).ConfigureAwait(false);
        return new HealingLease(
            decision.Granted,
            decision.Lease,
            sentAt,
            length,
            _options.LeaseSafetyMargin,
            _time,
            (renewFor, ct) => AcquireAsync(target, component, action, renewFor, ct),
            ReleaseAsync);
    }

    private async Task<LeaseDecision> AcquireAsync(string target, string component, string action, TimeSpan length, CancellationToken cancellationToken)
    {
        object? outcome = await SubmitAsync(
            new AcquireLeaseCommand(target, component, action, length) { Node = NodeId, RegrantDelay = _options.LeaseRegrantDelay },
            cancellationToken).ConfigureAwait(false);
        return outcome as LeaseDecision ?? throw new InvalidOperationException($"The lease request for '{target}' was applied without a decision.");
    }

    internal Task ReleaseAsync(ClusterLease lease, bool? succeeded, string? detail, CancellationToken cancellationToken) =>
        SubmitAsync(new ReleaseLeaseCommand(lease.Target, lease.Component, lease.LeaseId, succeeded, detail) { Node = NodeId }, cancellationToken);

    private void CheckLocally(Dictionary<string, string> values)
    {
        var known = _configuration!.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var errors = new List<string>();
        foreach ((string name, string value) in values)
        {
            if (!known.TryGetValue(name, out ParameterDefinition? definition))
            {
                errors.Add($"{name} is not a parameter; known: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}");
            }
            else if (definition.Check(value, out _) is { } problem)
            {
                errors.Add($"{name}: {problem}");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(values));
        }
    }
}
