using Microsoft.Extensions.Logging;

namespace SelfHealing.Supervision;

public sealed partial class SupervisionTree
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Worker {Worker} starting (restarted {Restarts} times before)")]
        public static partial void WorkerStarting(ILogger logger, string worker, int restarts);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Worker {Worker} failed; restart {Attempt} of {MaxRestarts} in {DelayMs:0} ms")]
        public static partial void WorkerRestarting(ILogger logger, string worker, int attempt, int maxRestarts, double delayMs, Exception error);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Supervisor {Supervisor} gave up and stopped its workers: {Reason}; the recovery manager or RestartAsync starts them again")]
        public static partial void SupervisorGaveUp(ILogger logger, string supervisor, string reason, Exception? error);

        [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Supervisor {Supervisor} gave up and escalated to {Parent}: {Reason}")]
        public static partial void SupervisorEscalated(ILogger logger, string supervisor, string parent, string reason);

        [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "Worker {Worker} paused while circuit {Circuit} is open")]
        public static partial void WorkerPaused(ILogger logger, string worker, string circuit);

        [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Worker {Worker} resumed: circuit {Circuit} lets calls through")]
        public static partial void WorkerResumed(ILogger logger, string worker, string circuit);

        [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Worker {Worker} did not end within {TimeoutMs:0} ms of being asked to stop; it is left behind")]
        public static partial void WorkerLeftBehind(ILogger logger, string worker, double timeoutMs);

        [LoggerMessage(EventId = 9008, Level = LogLevel.Warning, Message = "A worker pauses while circuit {Circuit} is open, but no breaker has that name; the worker is never paused for it")]
        public static partial void UnknownCircuit(ILogger logger, string circuit);

        [LoggerMessage(EventId = 9009, Level = LogLevel.Warning, Message = "Worker {Worker} failed and is not restarted (temporary)")]
        public static partial void WorkerFailed(ILogger logger, string worker, Exception error);

        [LoggerMessage(EventId = 9010, Level = LogLevel.Error, Message = "The supervision loop failed while handling {Message}; it goes on with the next")]
        public static partial void LoopFailed(ILogger logger, string message, Exception error);
    }
}
