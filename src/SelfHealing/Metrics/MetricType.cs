namespace SelfHealing.Metrics;

/// <summary>What a metric's values mean, which decides how they are aggregated.</summary>
public enum MetricType
{
    /// <summary>Monotonic increments (requests, errors): the sum over a range and its rate per second matter; no quantiles.</summary>
    Counter,

    /// <summary>A level that goes up and down (queue length, memory): average, extremes and quantiles of the samples.</summary>
    Gauge,

    /// <summary>A distribution of observations (payload size, latency): count, rate, extremes and quantiles.</summary>
    Histogram,

    /// <summary>Durations, in seconds: a histogram fed by a timer scope or a <see cref="TimeSpan"/>.</summary>
    Timer,
}
