namespace SelfHealing;

/// <summary>
/// What a coordination package tells the rest of the library (the dashboard) about the cluster, read on demand:
/// registered by <c>UseCoordination</c>, absent without it.
/// </summary>
internal interface IClusterView
{
    /// <summary>This node's view of the cluster now.</summary>
    ClusterPicture Read();
}

/// <summary>A node's view of its cluster.</summary>
internal sealed record ClusterPicture(
    string NodeId,
    string Role,
    string? LeaderId,
    long Term,
    bool HasQuorum,
    long AppliedIndex,
    IReadOnlyList<ClusterMemberPicture> Members,
    IReadOnlyList<ClusterLeasePicture> Leases,
    IReadOnlyList<ClusterCircuitPicture> Circuits);

/// <summary>A member: its id and address.</summary>
internal sealed record ClusterMemberPicture(string Id, string Address);

/// <summary>A healing lease held now.</summary>
internal sealed record ClusterLeasePicture(string Target, string Component, string Holder, string Action, long FencingToken, DateTimeOffset ExpiresAt);

/// <summary>A shared circuit: open cluster-wide or not, and the nodes that report it open.</summary>
internal sealed record ClusterCircuitPicture(string Name, bool IsOpen, int Quorum, IReadOnlyList<string> OpenNodes);
