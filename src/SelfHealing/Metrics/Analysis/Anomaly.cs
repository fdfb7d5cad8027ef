namespace SelfHealing.Metrics.Analysis;

/// <summary>A value the <see cref="AnomalyDetector"/> found anomalous.</summary>
/// <param name="Kind">A single far value, or a drift.</param>
/// <param name="Value">The value.</param>
/// <param name="Expected">The baseline: the median of the recent window.</param>
/// <param name="LowerBound">The lowest value a single sample could take without being flagged.</param>
/// <param name="UpperBound">The highest value a single sample could take without being flagged.</param>
/// <param name="Score">How far out the value is, in robust standard deviations (signed); for a drift, the signed cumulative sum.</param>
public readonly record struct Anomaly(AnomalyKind Kind, double Value, double Expected, double LowerBound, double UpperBound, double Score);
