using SelfHealing.Configuration;
using SelfHealing.Events;

namespace SelfHealing.Optimization;

/// <summary>
/// The online optimizer promoted the best configuration of a generation (candidates under trial are not promotions).
/// Published on the event hub with priority delivery; SelfHealing.Coordination replicates the leader's promotions.
/// </summary>
/// <param name="Source">Always <c>optimizer</c>.</param>
/// <param name="Timestamp">When it was promoted.</param>
/// <param name="Snapshot">The configuration version promoted.</param>
/// <param name="Generation">The generation whose best it is.</param>
/// <param name="Fitness">The fitness measured for it.</param>
public sealed record ConfigurationPromoted(string Source, DateTimeOffset Timestamp, ConfigSnapshot Snapshot, int Generation, double Fitness)
    : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>Gets the mean fitness of the generation's evaluated candidates (NaN when none was evaluated).</summary>
    public double MeanFitness { get; init; } = double.NaN;

    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
