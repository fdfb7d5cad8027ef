using SelfHealing.Events;

namespace SelfHealing.Health;

/// <summary>
/// A component's metric is forecast to reach a worse level within the monitor's prediction horizon. Published
/// once when the forecast appears (not on every sample), with priority delivery: recovery may act before the breach.
/// </summary>
/// <param name="Source">Always <c>health</c>.</param>
/// <param name="Timestamp">When the forecast was made.</param>
/// <param name="Component">The component.</param>
/// <param name="Metric">The metric.</param>
/// <param name="Forecast">The level, its threshold, the time until the fitted trend reaches it, and the trend.</param>
public sealed record BreachPredicted(string Source, DateTimeOffset Timestamp, string Component, string Metric, BreachForecast Forecast)
    : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
