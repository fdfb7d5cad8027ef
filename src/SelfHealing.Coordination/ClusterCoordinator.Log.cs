using Microsoft.Extensions.Logging;

namespace SelfHealing.Coordination;

/// <summary>Log messages of the coordinator, event ids 8001 to 8099.</summary>
public sealed partial class ClusterCoordinator
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Cluster node {Node} started at {Endpoint} with {Members} members; log in {Directory}")]
    private static partial void LogStarted(ILogger logger, string node, System.Net.IPEndPoint endpoint, int members, string directory);

    [LoggerMessage(EventId = 8016, Level = LogLevel.Warning, Message = "Cluster node {Node}: RequestTimeout ({RequestTimeout}) is not below ElectionTimeoutMin ({ElectionTimeoutMin}): a paused or silent leader holds every election up to the request timeout, and replacing it takes several election rounds")]
    private static partial void LogSlowFailover(ILogger logger, string node, TimeSpan requestTimeout, TimeSpan electionTimeoutMin);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Cluster node {Node} stopped")]
    private static partial void LogStopped(ILogger logger, string node);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Cluster node {Node}: leader is {Leader} (term {Term})")]
    private static partial void LogLeader(ILogger logger, string node, string leader, long term);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Cluster node {Node}: member {Member} does not answer")]
    private static partial void LogMemberLost(ILogger logger, string node, string member);

    [LoggerMessage(EventId = 8005, Message = "Cluster node {Node} took no cluster-wide action for {Command}: {Reason} (refusals logged at Debug since the last warning: {Quiet})")]
    private static partial void LogRefused(ILogger logger, LogLevel level, string node, string command, string reason, long quiet);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "Cluster node {Node} refused a command from '{Claimed}' at {Remote}: not a member")]
    private static partial void LogForeignCommand(ILogger logger, string node, string claimed, string remote);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "Cluster node {Node}: circuit {Circuit} is {State} cluster-wide (nodes whose own breaker is open: {OpenNodes})")]
    private static partial void LogCircuit(ILogger logger, string node, string circuit, string state, IReadOnlyList<string> openNodes);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Warning, Message = "Cluster node {Node} could not follow log entry {Index}: {Reason}")]
    private static partial void LogFollowFailed(ILogger logger, string node, long index, string reason);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Warning, Message = "Cluster node {Node} did not report a {Event}: {Reason}")]
    private static partial void LogNotReported(ILogger logger, string node, string @event, string reason);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Warning, Message = "Cluster node {Node} reverted its manual change of {Parameters}: it did not reach the cluster ({Reason}); change it again when the cluster has a majority")]
    private static partial void LogReverted(ILogger logger, string node, string parameters, string reason);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Warning, Message = "Cluster node {Node} does not know whether {Command} was applied (command {CommandId}): {Reason}")]
    private static partial void LogOutcomeUnknown(ILogger logger, string node, string command, Guid commandId, string reason);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Warning, Message = "Cluster node {Node}: the Raft engine failed while stopping; the node is released anyway")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 8013, Level = LogLevel.Error, Message = "Cluster node {Node}: its Raft log failed ({Reason}); the engine is restarted from the node's directory")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception, string node, string reason);

    [LoggerMessage(EventId = 8014, Level = LogLevel.Warning, Message = "Cluster node {Node}: the Raft engine runs again, its log committed up to entry {Index}; it catches up from the leader")]
    private static partial void LogEngineRestarted(ILogger logger, string node, long index);

    [LoggerMessage(EventId = 8015, Level = LogLevel.Error, Message = "Cluster node {Node}: the Raft engine could not be restarted; tried again in {Seconds} s")]
    private static partial void LogEngineRestartFailed(ILogger logger, Exception exception, string node, double seconds);
}
