namespace SelfHealing.Coordination;

/// <summary>The cluster's view of a shared circuit.</summary>
/// <param name="Name">The breaker's name, the same on every node.</param>
/// <param name="IsOpen">Whether it is open cluster-wide (until <see cref="OpenUntil"/>).</param>
/// <param name="OpenNodes">The nodes whose own breaker last reported it open.</param>
/// <param name="Quorum">How many open reports open it cluster-wide.</param>
/// <param name="OpenUntil">When a cluster-wide opening ends and every node lets its own breaker decide again.</param>
public sealed record ClusterCircuit(string Name, bool IsOpen, IReadOnlyList<string> OpenNodes, int Quorum, DateTimeOffset? OpenUntil)
{
    /// <summary>Gets whether the circuit is open cluster-wide at <paramref name="now"/>.</summary>
    /// <param name="now">The time to judge by.</param>
    /// <returns><see langword="true"/> while open and before <see cref="OpenUntil"/>.</returns>
    public bool IsOpenAt(DateTimeOffset now) => IsOpen && OpenUntil is { } until && now < until;
}
