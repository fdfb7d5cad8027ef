namespace SelfHealing;

/// <summary>One signal a <see cref="Diagnosis"/> rests on.</summary>
/// <param name="Source">Where it came from: <c>health</c>, <c>breaker</c>, <c>upstream</c>, <c>anomaly</c>, <c>forecast</c>.</param>
/// <param name="Subject">What it is about: the component, one of its breakers, an upstream component, a metric.</param>
/// <param name="Detail">What it says, in words.</param>
public sealed record DiagnosisEvidence(string Source, string Subject, string Detail);
