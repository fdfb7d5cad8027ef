using System.Diagnostics;
using SelfHealing.Telemetry;

namespace SelfHealing.Recovery;

// What the manager reports to metrics and traces: one span per incident (a new trace, linked to where the trouble was
// reported), one child span per action, counters and durations of incidents and actions.
public sealed partial class RecoveryManager
{
    /// <summary>Gets the instruments the manager records to; the process-wide ones unless the host gives its own.</summary>
    internal SelfHealingInstrumentation Instrumentation { get => _engine.Instrumentation; init => _engine.Instrumentation = value; }

    // Called outside the manager's lock, before the run begins: the incident's span and its opening count.
    private void ReportOpened(IncidentRecord record, Incident incident, ActivityContext cause)
    {
        if (Instrumentation.IncidentsOpened.Enabled)
        {
            Instrumentation.IncidentsOpened.Add(
                1,
                new KeyValuePair<string, object?>(SelfHealingMeter.ComponentTag, incident.Component),
                new KeyValuePair<string, object?>(SelfHealingMeter.FailureTypeTag, incident.FailureType));
        }

        if (!SelfHealingActivitySource.Recovery.HasListeners())
        {
            return;
        }

        // A new trace: the incident outlives the request or loop that reported it, which it links to instead.
        Activity? ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            Activity? span = SelfHealingActivitySource.Recovery.StartActivity(
                SelfHealingActivitySource.Incident,
                ActivityKind.Internal,
                parentContext: default,
                tags:
                [
                    new(SelfHealingMeter.ComponentTag, incident.Component),
                    new(SelfHealingMeter.FailureTypeTag, incident.FailureType),
                    new(SelfHealingActivitySource.IncidentIdAttribute, incident.Id),
                    new(SelfHealingActivitySource.RootCauseAttribute, incident.RootCause),
                ],
                links: cause == default ? null : [new ActivityLink(cause)],
                startTime: incident.OpenedAt);
            if (span is not null)
            {
                span.DisplayName = $"{SelfHealingActivitySource.Incident} {incident.Component}";
                record.Attach(span);
            }
        }
        finally
        {
            Activity.Current = ambient;
        }
    }

    // Called outside the manager's lock once the incident is closed.
    private void ReportClosed(IncidentRecord record, Incident closed)
    {
        string status = closed.Status == IncidentStatus.Resolved ? "resolved" : "escalated";
        var component = new KeyValuePair<string, object?>(SelfHealingMeter.ComponentTag, closed.Component);
        var statusTag = new KeyValuePair<string, object?>(SelfHealingMeter.IncidentStatusTag, status);
        if (Instrumentation.IncidentsClosed.Enabled)
        {
            Instrumentation.IncidentsClosed.Add(1, component, statusTag);
        }

        if (Instrumentation.IncidentDuration.Enabled)
        {
            Instrumentation.IncidentDuration.Record(((closed.ClosedAt ?? closed.UpdatedAt) - closed.OpenedAt).TotalSeconds, component, statusTag);
        }

        if (record.Detach() is { } span)
        {
            span.SetTag(SelfHealingMeter.IncidentStatusTag, status);
            if (closed.Status == IncidentStatus.Resolved)
            {
                span.SetStatus(ActivityStatusCode.Ok);
            }
            else
            {
                span.SetStatus(ActivityStatusCode.Error, closed.Timeline.Count > 0 ? closed.Timeline[^1].Message : status);
            }

            span.SetEndTime((closed.ClosedAt ?? _time.GetUtcNow()).UtcDateTime);
            span.Stop();
        }
    }
}
