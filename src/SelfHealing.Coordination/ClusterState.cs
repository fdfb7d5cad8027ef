using SelfHealing.Health;

namespace SelfHealing.Coordination;

/// <summary>
/// The replicated state as this node has applied it: the same on every node for the same <see cref="AppliedIndex"/>.
/// </summary>
/// <param name="AppliedIndex">The index of the last log entry applied here.</param>
/// <param name="Circuits">Shared circuits by name.</param>
/// <param name="Configuration">The replicated configuration values (formatted), by parameter name.</param>
/// <param name="ConfigurationIndex">The log index of the last configuration change; 0 when none.</param>
/// <param name="Leases">The leases granted and not yet released (some may have expired: see <see cref="ActiveLeases"/>).</param>
/// <param name="Health">The last report of every (node, component).</param>
public sealed record ClusterState(
    long AppliedIndex,
    IReadOnlyDictionary<string, ClusterCircuit> Circuits,
    IReadOnlyDictionary<string, string> Configuration,
    long ConfigurationIndex,
    IReadOnlyList<ClusterLease> Leases,
    IReadOnlyList<ClusterHealthReport> Health)
{
    /// <summary>Gets the state before anything is applied.</summary>
    public static ClusterState Empty { get; } = new(0, new Dictionary<string, ClusterCircuit>(), new Dictionary<string, string>(), 0, [], []);

    /// <summary>Gets the leases that have not expired at <paramref name="now"/>.</summary>
    /// <param name="now">The time to judge by.</param>
    /// <returns>The active leases.</returns>
    public IReadOnlyList<ClusterLease> ActiveLeases(DateTimeOffset now) => [.. Leases.Where(l => l.ExpiresAt > now)];

    /// <summary>Gets the worst level any node reported for <paramref name="component"/>; <see langword="null"/> when none did.</summary>
    /// <param name="component">The component.</param>
    /// <returns>The worst level, or <see langword="null"/>.</returns>
    public HealthLevel? WorstHealth(string component)
    {
        HealthLevel? worst = null;
        foreach (ClusterHealthReport r in Health)
        {
            if (string.Equals(r.Component, component, StringComparison.Ordinal) && (worst is null || r.Level > worst))
            {
                worst = r.Level;
            }
        }

        return worst;
    }
}
