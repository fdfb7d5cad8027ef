using System.Diagnostics;

namespace SelfHealing.Telemetry;

/// <summary>
/// Names of the <see cref="ActivitySource"/>s the library traces through and of their spans, events and attributes,
/// for tracers such as OpenTelemetry (<c>tracing.AddSource(SelfHealingActivitySource.Name)</c>). Nothing is traced
/// while no listener is attached.
/// </summary>
/// <remarks>
/// Every incident is one trace: a <see cref="Incident"/> span from the incident's opening to its closing, with one
/// <see cref="RecoveryAttempt"/> child span per action (the healable component's own spans nest under it) and one span
/// event per timeline entry. The incident span is a new trace, linked to the span that was current where the trouble
/// was reported (the call that opened the breaker, the code that asked for the recovery).
/// </remarks>
public static class SelfHealingActivitySource
{
    /// <summary>The name of the activity source that traces recovery.</summary>
    public const string Name = "SelfHealing";

    /// <summary>
    /// The name of the activity source that, once a listener listens to it, makes every breaker add a
    /// <see cref="CallRejectedEvent"/> to the caller's current span when it rejects a call. It starts no span of its own.
    /// </summary>
    public const string RejectionsName = "SelfHealing.Rejections";

    /// <summary>The name of the span covering one incident, from its opening to its closing.</summary>
    public const string Incident = "selfhealing.incident";

    /// <summary>The name of the span covering one recovery action and its verification.</summary>
    public const string RecoveryAttempt = "selfhealing.recovery.attempt";

    /// <summary>The name of the event added to the caller's span when a breaker rejects its call.</summary>
    public const string CallRejectedEvent = "selfhealing.circuit.rejected";

    /// <summary>Attribute holding an incident's identifier.</summary>
    public const string IncidentIdAttribute = "selfhealing.incident.id";

    /// <summary>Attribute holding an incident's probable root cause.</summary>
    public const string RootCauseAttribute = "selfhealing.incident.root_cause";

    /// <summary>Attribute holding a recovery action's attempt number (1 for the first try of a strategy).</summary>
    public const string AttemptAttribute = "selfhealing.recovery.attempt";

    /// <summary>
    /// Attribute holding the message of an incident timeline entry on its span event; the event is named after the
    /// entry's kind (event, diagnosis, action, verification, rollback, coordination, approval, resolution, escalation).
    /// </summary>
    public const string MessageAttribute = "selfhealing.incident.message";

    internal static readonly ActivitySource Recovery = new(Name, typeof(SelfHealingActivitySource).Assembly.GetName().Version?.ToString());

    internal static readonly ActivitySource Rejections = new(RejectionsName, typeof(SelfHealingActivitySource).Assembly.GetName().Version?.ToString());
}
