namespace SelfHealing.Telemetry;

/// <summary>
/// Names of the <see cref="System.Diagnostics.Metrics.Meter"/> and instruments the library publishes, for
/// exporters such as OpenTelemetry (<c>metrics.AddMeter(SelfHealingMeter.Name)</c>).
/// </summary>
public static class SelfHealingMeter
{
    /// <summary>The name of the one meter every component publishes through.</summary>
    public const string Name = "SelfHealing";

    /// <summary>Counter of calls through circuit breakers, tagged with the breaker name and the outcome.</summary>
    public const string CircuitCalls = "selfhealing.circuit.calls";

    /// <summary>Observable gauge of each breaker's state (0 closed, 1 open, 2 half-open, 3 isolated, 4 disabled).</summary>
    public const string CircuitState = "selfhealing.circuit.state";

    /// <summary>Counter of circuit state transitions, tagged with the breaker name and the new state.</summary>
    public const string CircuitTransitions = "selfhealing.circuit.transitions";

    /// <summary>
    /// Histogram of the duration of calls through circuit breakers, in seconds, tagged with the breaker name and the
    /// outcome (rejected calls are not timed). Measured only while a listener is attached.
    /// </summary>
    public const string CircuitCallDuration = "selfhealing.circuit.call.duration";

    /// <summary>Observable gauge of each watched component's health level (0 healthy, 1 degraded, 2 critical, 3 failed), tagged with the component name.</summary>
    public const string HealthLevel = "selfhealing.health.level";

    /// <summary>Counter of incidents opened, tagged with the component and the failure type.</summary>
    public const string IncidentsOpened = "selfhealing.incidents.opened";

    /// <summary>Counter of incidents closed, tagged with the component and the status they closed with (resolved or escalated).</summary>
    public const string IncidentsClosed = "selfhealing.incidents.closed";

    /// <summary>Histogram of how long incidents stayed open, in seconds, tagged with the component and the status they closed with.</summary>
    public const string IncidentDuration = "selfhealing.incident.duration";

    /// <summary>
    /// Counter of recovery actions, tagged with the component, the strategy and the result: recovered, not_recovered,
    /// rolled_back (not recovered and undone) or left_to_other (another replica held the lease on the shared target).
    /// </summary>
    public const string RecoveryActions = "selfhealing.recovery.actions";

    /// <summary>Histogram of the duration of recovery actions including their verification, in seconds, tagged like <see cref="RecoveryActions"/>.</summary>
    public const string RecoveryActionDuration = "selfhealing.recovery.action.duration";

    /// <summary>Counter of adaptive configuration versions applied, tagged with their source (static, manual, optimizer, rollback, recovery, cluster).</summary>
    public const string ConfigChanges = "selfhealing.config.changes";

    /// <summary>Counter of adaptive configuration rollbacks (also counted in <see cref="ConfigChanges"/> with the source rollback).</summary>
    public const string ConfigRollbacks = "selfhealing.config.rollbacks";

    /// <summary>Counter of events the hub dropped for a lagging subscriber, tagged with the delivery kind.</summary>
    public const string EventsDropped = "selfhealing.events.dropped";

    /// <summary>Counter of metric values the collector refused or limited, tagged with the reason: invalid, series_limit (kept in the overflow series) or metric_limit (dropped).</summary>
    public const string MetricsRejected = "selfhealing.metrics.rejected";

    /// <summary>Counter of anomalies the collector found, tagged with the metric name and the kind (point or drift).</summary>
    public const string MetricsAnomalies = "selfhealing.metrics.anomalies";

    /// <summary>Observable gauge of how many series the collector keeps.</summary>
    public const string MetricsSeries = "selfhealing.metrics.series";

    /// <summary>
    /// Observable gauge of the p50, p95 and p99 of every series recorded through the collector's API over
    /// <c>PublishedQuantileRange</c>, tagged with the metric name, the quantile and the series' tags.
    /// </summary>
    public const string MetricsQuantile = "selfhealing.metrics.quantile";

    /// <summary>Tag holding a collector metric's name.</summary>
    public const string MetricNameTag = "selfhealing.metric.name";

    /// <summary>Tag holding a quantile (0.5, 0.95, 0.99).</summary>
    public const string QuantileTag = "selfhealing.quantile";

    /// <summary>Tag holding why a metric value was refused.</summary>
    public const string ReasonTag = "selfhealing.reason";

    /// <summary>The prefix of the collector's own instruments, which its listener never reads back.</summary>
    internal const string MetricsPrefix = "selfhealing.metrics.";

    /// <summary>Tag holding a circuit breaker's name.</summary>
    public const string CircuitNameTag = "selfhealing.circuit.name";

    /// <summary>Tag holding a call's outcome: success, failure, timeout, ignored or rejected.</summary>
    public const string OutcomeTag = "selfhealing.outcome";

    /// <summary>Tag holding a circuit state, in lower case with dashes (closed, open, half-open, isolated, disabled).</summary>
    public const string StateTag = "selfhealing.circuit.state";

    /// <summary>Tag holding a health-monitored or healable component's name.</summary>
    public const string ComponentTag = "selfhealing.component.name";

    /// <summary>Tag holding an incident's failure type.</summary>
    public const string FailureTypeTag = "selfhealing.failure.type";

    /// <summary>Tag holding the status an incident closed with (resolved or escalated).</summary>
    public const string IncidentStatusTag = "selfhealing.incident.status";

    /// <summary>Tag holding a recovery strategy (restart, reconfigure, fallback, scale_resources).</summary>
    public const string StrategyTag = "selfhealing.recovery.strategy";

    /// <summary>Tag holding a recovery action's result (recovered, not_recovered, rolled_back, left_to_other).</summary>
    public const string ResultTag = "selfhealing.recovery.result";

    /// <summary>Tag holding the source of a configuration version, in lower case.</summary>
    public const string ConfigSourceTag = "selfhealing.config.source";

    /// <summary>Tag holding an event subscription's name.</summary>
    public const string SubscriptionTag = "selfhealing.subscription";

    /// <summary>Tag holding an event's delivery kind (best-effort or priority).</summary>
    public const string DeliveryTag = "selfhealing.delivery";
}
