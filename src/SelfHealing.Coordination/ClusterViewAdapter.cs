namespace SelfHealing.Coordination;

/// <summary>The coordinator's view of the cluster, as the core's <see cref="IClusterView"/> (for the dashboard).</summary>
internal sealed class ClusterViewAdapter(ClusterCoordinator coordinator) : IClusterView
{
    public ClusterPicture Read()
    {
        ClusterState state = coordinator.State;
        return new ClusterPicture(
            coordinator.NodeId,
            coordinator.Role.ToString(),
            coordinator.LeaderId,
            coordinator.Term,
            coordinator.HasQuorum,
            state.AppliedIndex,
            [.. coordinator.Members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new ClusterMemberPicture(m.Key, m.Value))],
            [.. state.Leases.Select(l => new ClusterLeasePicture(l.Target, l.Component, l.Holder, l.Action, l.FencingToken, l.ExpiresAt))],
            [.. state.Circuits.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new ClusterCircuitPicture(c.Name, c.IsOpen, c.Quorum, c.OpenNodes))]);
    }
}
