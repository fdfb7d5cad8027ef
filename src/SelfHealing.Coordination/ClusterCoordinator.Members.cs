using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;

namespace SelfHealing.Coordination;

// Members and leadership: heartbeats, leader changes, members joining, leaving and changing status, and the
// loop that keeps this node's view in step with the log.
public sealed partial class ClusterCoordinator
{
    private void PublishHeartbeat()
    {
        if (_running)
        {
            Publish(new Heartbeat(EventSource, _time.GetUtcNow(), NodeId, Role, LeaderId, Term, State.AppliedIndex, HasQuorum));
        }
    }

    private void OnLeaderChanged(ICluster cluster, IClusterMember? leader)
    {
        string? id = leader is null ? null : IdOf(leader.EndPoint);
        bool local = leader is { IsRemote: false };
        long term = Term;
        LogLeader(_logger, NodeId, id ?? "none", term);
        Publish(new LeaderElected(EventSource, _time.GetUtcNow(), id, term, local));
    }

    private void OnMemberAdded(RaftCluster<RaftClusterMember> cluster, RaftClusterMemberEventArgs<RaftClusterMember> added) => Watch(added.Member);

    private void OnMemberRemoved(RaftCluster<RaftClusterMember> cluster, RaftClusterMemberEventArgs<RaftClusterMember> removed) =>
        removed.Member.MemberStatusChanged -= OnMemberStatusChanged;

    private void Watch(RaftClusterMember member)
    {
        if (member.IsRemote)
        {
            member.MemberStatusChanged += OnMemberStatusChanged;
        }
    }

    private void OnMemberStatusChanged(ClusterMemberStatusChangedEventArgs<RaftClusterMember> change)
    {
        if (!_running)
        {
            return;
        }

        string id = IdOf(change.Member.EndPoint);
        string endpoint = Describe(change.Member.EndPoint);
        if (change.NewStatus == ClusterMemberStatus.Available)
        {
            Publish(new NodeJoined(EventSource, _time.GetUtcNow(), id, endpoint));
        }
        else if (change.NewStatus == ClusterMemberStatus.Unavailable)
        {
            LogMemberLost(_logger, NodeId, id);
            Publish(new NodeLeft(EventSource, _time.GetUtcNow(), id, endpoint));
        }
    }

    private async Task SynchronizeAsync(CancellationToken stopping)
    {
        try
        {
            RaftCluster cluster = _cluster!;
            await cluster.Readiness.WaitAsync(stopping).ConfigureAwait(false);
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await cluster.WaitForLeaderAsync(Timeout.InfiniteTimeSpan, stopping).ConfigureAwait(false);
                    await cluster.ApplyReadBarrierAsync(stopping).ConfigureAwait(false);
                    ClusterState state = State;
                    Publish(new SyncResponse(EventSource, _time.GetUtcNow(), NodeId, state.AppliedIndex, state));
                    return;
                }
                catch (Exception ex) when (ex is QuorumUnreachableException or NotLeaderException or TimeoutException)
                {
                    await Task.Delay(_options.ElectionTimeoutMax, _time, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
