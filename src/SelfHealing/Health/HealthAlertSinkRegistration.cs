namespace SelfHealing.Health;

/// <summary>A sink and the route of the alerts it receives, as registered by <c>AddHealthAlertSink</c>.</summary>
/// <param name="Sink">The sink.</param>
/// <param name="Route">Which alerts it receives.</param>
public sealed record HealthAlertSinkRegistration(IHealthAlertSink Sink, HealthAlertRoute Route);
