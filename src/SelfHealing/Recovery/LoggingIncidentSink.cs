using Microsoft.Extensions.Logging;

namespace SelfHealing.Recovery;

/// <summary>The default incident sink: escalations as errors (5010), everything else as information (5011).</summary>
internal sealed partial class LoggingIncidentSink(ILogger logger) : IIncidentSink
{
    public ValueTask NotifyAsync(Incident incident, CancellationToken cancellationToken)
    {
        string last = incident.Timeline.Count == 0 ? "" : incident.Timeline[^1].Message;
        if (incident.Status == IncidentStatus.Escalated)
        {
            LogEscalated(logger, incident.Id, incident.Component, incident.FailureType, last);
        }
        else
        {
            LogChanged(logger, incident.Id, incident.Component, incident.Status, last);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "Incident {Id} on {Component} ({FailureType}) needs manual intervention: {Message}")]
    private static partial void LogEscalated(ILogger logger, string id, string component, string failureType, string message);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Incident {Id} on {Component} is {Status}: {Message}")]
    private static partial void LogChanged(ILogger logger, string id, string component, IncidentStatus status, string message);
}
