namespace SelfHealing.Metrics.Analysis;

/// <summary>One anomaly, from its start to its end.</summary>
/// <param name="Start">The observation that raised the alarm.</param>
/// <param name="PeakScore">The highest score seen during the anomaly.</param>
/// <param name="PeakAt">When the highest score was seen.</param>
/// <param name="End">The observation that ended it; <see langword="null"/> while it is under way.</param>
public readonly record struct AnomalyEvent(DateTimeOffset Start, double PeakScore, DateTimeOffset PeakAt, DateTimeOffset? End);
