namespace SelfHealing.Metrics.Analysis;

/// <summary>What an <see cref="AnomalyDetector"/> made of one observation.</summary>
/// <param name="Score">How anomalous the value is, in [0, 1]: −log10 of the estimated probability of a surprise this large, divided by 10 (0.5: about once in 100,000 observations).</param>
/// <param name="Phase">Where the observation stands in an anomaly: none, its start, inside it, or its end.</param>
/// <param name="Value">The value observed.</param>
/// <param name="Expected">The value the detector expected.</param>
public readonly record struct AnomalyScore(double Score, AnomalyPhase Phase, double Value, double Expected);
