namespace SelfHealing.Metrics.Storage;

/// <summary>Where a metric's values come from.</summary>
internal enum MetricOrigin
{
    /// <summary>Recorded through the collector's API; its quantiles are published through the SelfHealing meter.</summary>
    Api,

    /// <summary>Read from a System.Diagnostics.Metrics instrument through the listener (already exported by its own meter).</summary>
    Listener,

    /// <summary>Sampled by the collector from the process.</summary>
    Process,
}
