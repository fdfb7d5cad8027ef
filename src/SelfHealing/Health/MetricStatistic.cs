namespace SelfHealing.Health;

/// <summary>Which figure of a collector metric's aggregate a component watches.</summary>
public enum MetricStatistic
{
    /// <summary>The mean value.</summary>
    Average,

    /// <summary>The median.</summary>
    P50,

    /// <summary>The 95th percentile.</summary>
    P95,

    /// <summary>The 99th percentile.</summary>
    P99,

    /// <summary>The largest value.</summary>
    Max,

    /// <summary>The smallest value.</summary>
    Min,

    /// <summary>The sum (for a counter, the increase).</summary>
    Sum,

    /// <summary>How many values were recorded.</summary>
    Count,

    /// <summary>Per second: the increase of a counter, the number of values otherwise.</summary>
    Rate,
}
