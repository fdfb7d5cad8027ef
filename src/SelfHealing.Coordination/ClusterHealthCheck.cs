using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Coordination;

/// <summary>
/// Healthy while this node sees a leader and a majority; degraded when it does not (an election, or the minority side of
/// a partition: cluster-wide actions are refused, local healing goes on); unhealthy when the node is not running.
/// </summary>
internal sealed class ClusterHealthCheck(ClusterCoordinator coordinator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ClusterRole role = coordinator.Role;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["node"] = coordinator.NodeId,
            ["role"] = role.ToString(),
            ["leader"] = coordinator.LeaderId ?? "none",
            ["term"] = coordinator.Term,
            ["appliedIndex"] = coordinator.State.AppliedIndex,
        };
        HealthCheckResult result = role == ClusterRole.Stopped
            ? HealthCheckResult.Unhealthy($"Cluster node '{coordinator.NodeId}' is not running.", data: data)
            : coordinator.HasQuorum
                ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{role} in term {coordinator.Term}; leader {coordinator.LeaderId}."), data)
                : HealthCheckResult.Degraded($"Cluster node '{coordinator.NodeId}' sees no leader with a majority: cluster-wide actions are refused, local healing goes on.", data: data);
        return Task.FromResult(result);
    }
}
