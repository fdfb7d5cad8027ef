namespace SelfHealing.Metrics.Analysis;

/// <summary>Which way a series is heading.</summary>
public enum TrendDirection
{
    /// <summary>No significant trend (or too few points to tell).</summary>
    Stable = 0,

    /// <summary>The series rises significantly.</summary>
    Increasing = 1,

    /// <summary>The series falls significantly.</summary>
    Decreasing = 2,
}
