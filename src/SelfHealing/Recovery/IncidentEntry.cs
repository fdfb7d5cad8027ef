namespace SelfHealing.Recovery;

/// <summary>One line of an incident's timeline.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Kind">What kind of entry: <c>event</c>, <c>diagnosis</c>, <c>action</c>, <c>verification</c>, <c>rollback</c>, <c>approval</c>, <c>escalation</c>, <c>resolution</c>.</param>
/// <param name="Message">What happened, in words.</param>
public sealed record IncidentEntry(DateTimeOffset Time, string Kind, string Message);
