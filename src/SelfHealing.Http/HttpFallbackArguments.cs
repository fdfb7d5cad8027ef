using SelfHealing.CircuitBreakers;

namespace SelfHealing.Http;

/// <summary>What a fallback of <c>AddSelfHealingHandler</c> is told about the request it answers.</summary>
/// <param name="Request">The request.</param>
/// <param name="Rejected">Whether the breaker rejected the call (the circuit is open, half-open with no probe left, or isolated) so it was not sent.</param>
/// <param name="Outcome">How the call counted: <see cref="CallOutcome.Failure"/> or <see cref="CallOutcome.Timeout"/>; <see cref="CallOutcome.Success"/> when rejected.</param>
/// <param name="Exception">The exception of the call (or the rejection), when there was one.</param>
/// <param name="Response">
/// The failed response (a status counted as failure), when there was one. The handler disposes it after the fallback
/// returns, unless the fallback returns this same instance.
/// </param>
public sealed record HttpFallbackArguments(HttpRequestMessage Request, bool Rejected, CallOutcome Outcome, Exception? Exception, HttpResponseMessage? Response);
