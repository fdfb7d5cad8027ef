namespace SelfHealing.Health;

/// <summary>Which way a metric gets worse.</summary>
public enum ThresholdDirection
{
    /// <summary>Higher values are worse (latency, error rate, memory).</summary>
    HigherIsWorse = 0,

    /// <summary>Lower values are worse (throughput, free disk, success rate).</summary>
    LowerIsWorse = 1,
}
