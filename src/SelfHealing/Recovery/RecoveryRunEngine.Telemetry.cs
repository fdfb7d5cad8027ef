using System.Diagnostics;
using SelfHealing.Telemetry;

namespace SelfHealing.Recovery;

// What an attempt reports: one child span of the incident's span per action (when the incident is traced), and the
// actions' counts and durations.
internal sealed partial class RecoveryRunEngine
{
    private static readonly string[] StrategyTagValues = ["restart", "reconfigure", "fallback", "scale_resources", "manual_intervention"];

    private static string StrategyTag(RecoveryStrategy strategy) =>
        (int)strategy >= 0 && (int)strategy < StrategyTagValues.Length ? StrategyTagValues[(int)strategy] : strategy.ToString().ToLowerInvariant();

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
