using System.Diagnostics;
using SelfHealing.Telemetry;

namespace SelfHealing.Recovery;

// What the manager reports to metrics and traces: one span per incident (a new trace, linked to where the trouble was
// reported), one child span per action, counters and durations of incidents and actions.
public sealed partial class RecoveryManager
{
    private static readonly string[] StrategyTagValues = ["restart", "reconfigure", "fallback", "scale_resources", "manual_intervention"];

    /// <summary>Gets the instruments the manager records to; the process-wide ones unless the host gives its own.</summary>
    internal SelfHealingInstrumentation Instrumentation { get; init; } = SelfHealingInstrumentation.Shared;

    private static string StrategyTag(RecoveryStrategy strategy) =>
        (int)strategy >= 0 && (int)strategy < StrategyTagValues.Length ? StrategyTagValues[(int)strategy] : strategy.ToString().ToLowerInvariant();

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

    // One attempt under its own span (when the incident is traced): the component's own spans nest under it.
    private async Task<bool> AttemptAsync(PlannedAttempt planned, CancellationToken stopping)
    {
        Activity? span = StartAttempt(planned.Record, planned.Target.Name, planned.Strategy, planned.Number);
        try
        {
            return await AttemptCoreAsync(planned, span, stopping).ConfigureAwait(false);
        }
        finally
        {
            if (span is { IsStopped: false })
            {
                // Stopped before it acted (the lease was lost, the manager stopped): no outcome to report.
                span.SetStatus(ActivityStatusCode.Error, "stopped before the action ended");
                span.SetEndTime(_time.GetUtcNow().UtcDateTime);
                span.Stop();
            }
        }
    }

    // The span of one action, a child of the incident's; none when the incident is not traced.
    private Activity? StartAttempt(IncidentRecord record, string component, RecoveryStrategy strategy, int attempt)
    {
        if (record.Span is not { } incident)
        {
            return null;
        }

        Activity? span = SelfHealingActivitySource.Recovery.StartActivity(
            SelfHealingActivitySource.RecoveryAttempt,
            ActivityKind.Internal,
            incident.Context,
            tags:
            [
                new(SelfHealingMeter.ComponentTag, component),
                new(SelfHealingMeter.StrategyTag, StrategyTag(strategy)),
                new(SelfHealingActivitySource.AttemptAttribute, attempt),
                new(SelfHealingActivitySource.IncidentIdAttribute, record.Current.Id),
            ],
            startTime: _time.GetUtcNow());
        if (span is not null)
        {
            span.DisplayName = $"{SelfHealingActivitySource.RecoveryAttempt} {StrategyTag(strategy)} {component}";
        }

        return span;
    }

    // Counts an action and closes its span.
    private void ReportAttempt(string component, RecoveryAttempt attempt, Activity? span)
    {
        string result = attempt.LeftTo is not null ? "left_to_other"
            : attempt.Succeeded ? "recovered"
            : attempt.RolledBack ? "rolled_back"
            : "not_recovered";
        var componentTag = new KeyValuePair<string, object?>(SelfHealingMeter.ComponentTag, component);
        var strategyTag = new KeyValuePair<string, object?>(SelfHealingMeter.StrategyTag, StrategyTag(attempt.Strategy));
        var resultTag = new KeyValuePair<string, object?>(SelfHealingMeter.ResultTag, result);
        if (Instrumentation.RecoveryActions.Enabled)
        {
            Instrumentation.RecoveryActions.Add(1, componentTag, strategyTag, resultTag);
        }

        if (Instrumentation.RecoveryActionDuration.Enabled)
        {
            Instrumentation.RecoveryActionDuration.Record(attempt.Duration.TotalSeconds, componentTag, strategyTag, resultTag);
        }

        if (span is not null)
        {
            span.SetTag(SelfHealingMeter.ResultTag, result);
            span.SetStatus(attempt.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, attempt.Succeeded ? null : result);
            span.SetEndTime(_time.GetUtcNow().UtcDateTime);
            span.Stop();
        }
    }
}
