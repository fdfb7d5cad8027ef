using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;

namespace SelfHealing.Recovery;

// The router: news from the hub (health changes, circuits, anomalies, forecasts) turned into recovery runs.
public sealed partial class RecoveryManager
{
    private async Task ListenAsync(EventSubscription subscription)
    {
        try
        {
            // What has arrived is handled as one piece of work, so the manager is never idle with news in hand.
            while (await subscription.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                _work.Enter();
                try
                {
                    while (subscription.Reader.TryRead(out SelfHealingEvent? e))
                    {
                        try
                        {
                            OnEvent(e);
                        }
#pragma warning disable CA1031 // One bad event (anyone may publish on the hub) must not end recovery for every other.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            LogEventFailed(_logger, ex, e.GetType().Name, e.Source);
                        }
                    }
                }
                finally
                {
                    _work.Exit();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Handles one event as the listener would.</summary>
    internal void OnEvent(SelfHealingEvent e)
    {
        RecoveryOptions options = Options;
        switch (e)
        {
            case HealthChanged h:
                _recent.Add(h.Timestamp, h.Component, "health", $"{h.Component} went from {h.PreviousLevel} to {h.Level}: {h.Reason}", h.Level > h.PreviousLevel);
                if (h.Level >= options.TriggerLevel)
                {
                    // A component tried without its fallback is watched by that trial, which switches it back on.
                    if (_fallbackTrials.ContainsKey(h.Component))
                    {
                        break;
                    }

                    // News read after the component recovered (a run asked for directly may already have fixed
                    // it) is older than the monitor's view: it opens nothing.
                    if (_monitor.GetHealth(h.Component) is { } current && current.Level < options.TriggerLevel)
                    {
                        break;
                    }

                    Trigger(h.Component, h.Level.ToString(), h.Level, h.AffectedBy, $"{h.Component} is {h.Level}: {h.Reason}", h.TraceContext);
                }
                else if (h.Level <= options.RecoveredLevel)
                {
                    ResolveIfIdle(h.Component, $"{h.Component} is {h.Level} again without an action.");
                }

                break;
            case CircuitStateChanged c:
                bool opened = c.State is CircuitState.Open or CircuitState.Isolated;
                _recent.Add(c.Timestamp, c.CircuitName, "breaker", $"{c.CircuitName} went from {c.PreviousState} to {c.State}: {c.Reason}", opened);
                if (c.State == CircuitState.Open && _components.ContainsKey(c.CircuitName))
                {
                    Trigger(c.CircuitName, FailureTypes.CircuitOpen, null, null, $"the breaker {c.CircuitName} opened: {c.Reason}", c.TraceContext);
                }

                break;
            case AnomalyDetected a:
                string subject = a.Tags.TryGetValue(ComponentTag, out string component) ? component : a.Metric;
                _recent.Add(a.Timestamp, subject, "anomaly", $"{a.Metric} is {a.Value:G4}, expected about {a.Expected:G4} (score {a.Score:F2})", true);
                // Acting on a metric alone is the boldest step: only components trusted with it (Full) take it.
                if (subject == component && _components.TryGetValue(component, out HealableTarget? flagged) && flagged.Level >= HealingLevel.Full && HasPlan(component, FailureTypes.Anomaly))
                {
                    Trigger(component, FailureTypes.Anomaly, null, null, $"anomaly on {a.Metric}", a.TraceContext);
                }

                break;
            case BreachPredicted b:
                _recent.Add(b.Timestamp, b.Component, "forecast", $"{b.Component} {b.Metric} reaches {b.Forecast.Level} in about {b.Forecast.TimeUntil.TotalSeconds:0} s", true);
                if (_components.TryGetValue(b.Component, out HealableTarget? target) && target.Level >= HealingLevel.Advanced && HasPlan(b.Component, FailureTypes.Predicted))
                {
                    Trigger(b.Component, FailureTypes.Predicted, null, null, $"{b.Metric} is forecast to reach {b.Forecast.Level}", b.TraceContext);
                }

                break;
        }
    }
}
