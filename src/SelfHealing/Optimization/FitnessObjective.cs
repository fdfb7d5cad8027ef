using SelfHealing.Health;

namespace SelfHealing.Optimization;

/// <summary>One term of a <see cref="WeightedFitness"/>: a collector metric's statistic over the evaluation window.</summary>
public sealed class FitnessObjective
{
    /// <summary>Gets or sets the collector metric.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Gets or sets the figure taken (for example P95 latency, or Rate for throughput).</summary>
    /// <value>Default <see cref="MetricStatistic.Average"/>.</value>
    public MetricStatistic Statistic { get; set; } = MetricStatistic.Average;

    /// <summary>Gets or sets which way is better.</summary>
    /// <value>Default <see cref="ThresholdDirection.HigherIsWorse"/> (latencies, error rates); throughput is <see cref="ThresholdDirection.LowerIsWorse"/>.</value>
    public ThresholdDirection Direction { get; set; } = ThresholdDirection.HigherIsWorse;

    /// <summary>Gets or sets the term's weight.</summary>
    /// <value>Default 1; allowed above 0.</value>
    public double Weight { get; set; } = 1;

    /// <summary>Gets or sets the value that counts as 1 (so terms in different units add up).</summary>
    /// <value>Default 1; allowed above 0.</value>
    public double Scale { get; set; } = 1;

    /// <summary>Gets the tags the series must carry; every series when empty.</summary>
    public IDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
