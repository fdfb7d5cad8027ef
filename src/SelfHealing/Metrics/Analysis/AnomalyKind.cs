namespace SelfHealing.Metrics.Analysis;

/// <summary>What kind of departure from the baseline was seen.</summary>
public enum AnomalyKind
{
    /// <summary>One value far from the baseline: a spike, a dip, or the first values after a level shift.</summary>
    Point = 0,

    /// <summary>Values drifting away from the baseline little by little (found by the cumulative sum).</summary>
    Drift = 1,
}
