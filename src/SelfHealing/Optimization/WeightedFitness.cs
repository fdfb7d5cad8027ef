using SelfHealing.Health;
using SelfHealing.Metrics;

namespace SelfHealing.Optimization;

/// <summary>
/// Fitness from the metrics collector and the health monitor: the weighted sum of each objective's value over the
/// window, divided by its scale (added when higher is better, subtracted when lower is), minus
/// <see cref="HealthPenalty"/> for each watched component that is not healthy at the end of the window.
/// </summary>
/// <param name="collector">Where the objectives are read.</param>
/// <param name="objectives">The objectives.</param>
/// <param name="monitor">Where the components' health is read; none when <see langword="null"/>.</param>
public sealed class WeightedFitness(IMetricsCollector collector, IEnumerable<FitnessObjective> objectives, HealthMonitor? monitor = null) : IFitnessSource
{
    private readonly FitnessObjective[] _objectives = Validated(objectives);

    /// <summary>Gets the components whose health counts; none when empty.</summary>
    public ISet<string> Components { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets what each unhealthy watched component costs.</summary>
    /// <value>Default 1.</value>
    public double HealthPenalty { get; set; } = 1;

    /// <inheritdoc />
    public async ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collector);
        double fitness = 0;
        foreach (FitnessObjective objective in _objectives)
        {
            MetricTags? tags = objective.Tags.Count == 0 ? null : MetricTags.From(objective.Tags);
            AggregatedMetric aggregate = await collector.AggregateAsync(objective.Metric, since, until, tags, cancellationToken).ConfigureAwait(false);
            double value = new CollectorMetricSource { Metric = objective.Metric, Statistic = objective.Statistic }.Read(aggregate);
            if (!double.IsFinite(value))
            {
                return double.NaN;
            }

            double term = objective.Weight * value / objective.Scale;
            fitness += objective.Direction == ThresholdDirection.LowerIsWorse ? term : -term;
        }

        foreach (string component in Components)
        {
            if (monitor?.GetHealth(component) is { Level: > HealthLevel.Healthy })
            {
                fitness -= HealthPenalty;
            }
        }

        return fitness;
    }

    private static FitnessObjective[] Validated(IEnumerable<FitnessObjective> objectives)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        FitnessObjective[] all = [.. objectives];
        var errors = new OptionErrors("");
        for (int i = 0; i < all.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(all[i].Metric))
            {
                errors.Add($"objectives:{i}:{nameof(FitnessObjective.Metric)}", "empty", "a collector metric");
            }

            errors.Positive($"objectives:{i}:{nameof(FitnessObjective.Weight)}", all[i].Weight, double.MaxValue);
            errors.Positive($"objectives:{i}:{nameof(FitnessObjective.Scale)}", all[i].Scale, double.MaxValue);
        }

        if (all.Length == 0)
        {
            errors.AddMessage("A weighted fitness needs at least one objective.");
        }

        errors.ThrowIfAny(nameof(objectives));
        return all;
    }
}
