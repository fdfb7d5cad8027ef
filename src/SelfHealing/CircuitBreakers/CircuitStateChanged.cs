using System.Globalization;
using SelfHealing.Events;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Published on the <see cref="IEventHub"/> (and passed to <see cref="CircuitBreakerOptions.OnStateChanged"/>)
/// each time a breaker changes state.
/// </summary>
/// <param name="Source">The event source, <c>circuit-breaker:{name}</c>.</param>
/// <param name="Timestamp">When the transition happened.</param>
/// <param name="CircuitName">The breaker's name.</param>
/// <param name="PreviousState">The state before.</param>
/// <param name="State">The state after.</param>
/// <param name="Cause">Why.</param>
/// <param name="FailureRatio">The window's failure ratio at the transition (for probe causes, the probes' failure ratio).</param>
/// <param name="BreakDuration">For a transition to <see cref="CircuitState.Open"/>, how long it stays open; otherwise <see langword="null"/>.</param>
/// <param name="Details">The figures behind the transition.</param>
public sealed record CircuitStateChanged(
    string Source,
    DateTimeOffset Timestamp,
    string CircuitName,
    CircuitState PreviousState,
    CircuitState State,
    CircuitTransitionCause Cause,
    double FailureRatio,
    TimeSpan? BreakDuration,
    CircuitTransitionDetails Details) : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>Gets <see cref="EventDelivery.Priority"/>: recovery depends on seeing every transition.</summary>
    public override EventDelivery Delivery => EventDelivery.Priority;

    /// <summary>Gets why, in words, for logs and incident timelines. Built when read.</summary>
    public string Reason => Describe(Cause, FailureRatio, Details);

    internal static string Describe(CircuitTransitionCause cause, double failureRatio, in CircuitTransitionDetails d)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        return cause switch
        {
            CircuitTransitionCause.FailureRatio => string.Create(c, $"failure ratio {failureRatio:P1} of {d.Calls} calls reached the threshold {d.Threshold:P1}"),
            CircuitTransitionCause.SlowCallRatio => string.Create(c, $"slow-call ratio {d.SlowCallRatio:P1} of {d.Calls} calls reached the threshold {d.Threshold:P1}"),
            CircuitTransitionCause.BreakElapsed => "the break duration elapsed",
            CircuitTransitionCause.ProbesSucceeded => string.Create(c, $"{d.ProbesSucceeded} of {d.ProbesSucceeded + d.ProbesFailed} half-open probes succeeded"),
            CircuitTransitionCause.ProbesFailed => string.Create(c, $"{d.ProbesFailed} of {d.ProbesSucceeded + d.ProbesFailed} half-open probes failed; {d.ProbesRequired} of {d.ProbeLimit} must succeed"),
            CircuitTransitionCause.Reset => "reset by hand",
            CircuitTransitionCause.Isolated => "isolated by hand",
            CircuitTransitionCause.Disabled => "disabled by hand",
            CircuitTransitionCause.ProbesTimedOut => string.Create(c, $"{d.ProbesFailed} of {d.ProbesSucceeded + d.ProbesFailed} half-open probes failed or did not complete in time"),
            CircuitTransitionCause.ConsecutiveFailures => string.Create(c, $"{d.Calls} calls in a row failed"),
            _ => cause.ToString(),
        };
    }
}
