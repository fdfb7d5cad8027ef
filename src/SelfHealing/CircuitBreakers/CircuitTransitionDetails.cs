namespace SelfHealing.CircuitBreakers;

/// <summary>The figures behind a transition, for diagnosis; which ones are set depends on the cause.</summary>
/// <param name="Calls">Calls in the window when it was judged (failure or slow-call ratio).</param>
/// <param name="SlowCallRatio">The window's slow-call ratio when it was judged.</param>
/// <param name="Threshold">The threshold the ratio reached.</param>
/// <param name="ProbesSucceeded">Half-open probes that succeeded (probe causes).</param>
/// <param name="ProbesFailed">Half-open probes that failed (probe causes).</param>
/// <param name="ProbesRequired">Successful probes required to close (probe causes).</param>
/// <param name="ProbeLimit">Probes the half-open circuit let through (probe causes).</param>
public readonly record struct CircuitTransitionDetails(
    long Calls = 0,
    double SlowCallRatio = 0,
    double Threshold = 0,
    int ProbesSucceeded = 0,
    int ProbesFailed = 0,
    int ProbesRequired = 0,
    int ProbeLimit = 0);
