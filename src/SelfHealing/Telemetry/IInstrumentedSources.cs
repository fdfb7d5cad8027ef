using System.Diagnostics.Metrics;

namespace SelfHealing.Telemetry;

/// <summary>A breaker as the state gauge reads it; the gauge knows no component type, so no folder depends on both ways.</summary>
internal interface ICircuitStateSource
{
    string Name { get; }

    /// <summary>The state's numeric value (<c>CircuitState</c>).</summary>
    int StateValue { get; }
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
