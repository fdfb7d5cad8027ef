namespace SelfHealing.Metrics.Analysis;

/// <summary>Where an observation stands in an anomaly: one lasting anomaly is one alarm, from its start to its end.</summary>
public enum AnomalyPhase
{
    /// <summary>No anomaly is under way.</summary>
    None = 0,

    /// <summary>The score reached the threshold: an anomaly starts (the alarm).</summary>
    Started = 1,

    /// <summary>An anomaly is under way; this observation raises no new alarm.</summary>
    Continuing = 2,

    /// <summary>The scores stayed low for the quiet period: the anomaly is over.</summary>
    Ended = 3,
}
