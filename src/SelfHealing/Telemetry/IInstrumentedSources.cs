using System.Diagnostics.Metrics;

namespace SelfHealing.Telemetry;

/// <summary>A breaker as the state gauge reads it; the gauge knows no component type, so no folder depends on both ways.</summary>
internal interface ICircuitStateSource
{
    string Name { get; }

    /// <summary>The state's numeric value (<c>CircuitState</c>).</summary>
    int StateValue { get; }

    /// <summary>Calls counted by outcome since the call counter was first listened to, indexed as <see cref="CallOutcomeTags"/>.</summary>
    long CallCount(int outcome);
}

/// <summary>The outcome tags of <c>selfhealing.circuit.calls</c>, indexed as the breaker counts them (<c>CallOutcome</c>, then rejected).</summary>
internal static class CallOutcomeTags
{
    public const int Rejected = 4;

    public static readonly KeyValuePair<string, object?>[] All =
    [
        new(SelfHealingMeter.OutcomeTag, "success"),
        new(SelfHealingMeter.OutcomeTag, "failure"),
        new(SelfHealingMeter.OutcomeTag, "timeout"),
        new(SelfHealingMeter.OutcomeTag, "ignored"),
        new(SelfHealingMeter.OutcomeTag, "rejected"),
    ];
}

/// <summary>A health monitor as the level gauge reads it.</summary>
internal interface IHealthLevelSource
{
    /// <summary>Each component's name and level (<c>HealthLevel</c>'s numeric value).</summary>
    IEnumerable<KeyValuePair<string, int>> ObserveLevels();
}

/// <summary>A metrics collector as the series and quantile gauges read it.</summary>
internal interface IMetricSeriesSource
{
    int SeriesCount { get; }

    IEnumerable<Measurement<double>> ObservePublishedQuantiles();
}
