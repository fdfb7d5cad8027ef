namespace SelfHealing.Health;

/// <summary>The names thresholds use for the standard values of <see cref="HealthMetrics"/>.</summary>
public static class HealthMetricNames
{
    /// <summary><see cref="HealthMetrics.CpuPercent"/>, in percent.</summary>
    public const string Cpu = "cpu";

    /// <summary><see cref="HealthMetrics.MemoryPercent"/>, in percent.</summary>
    public const string Memory = "memory";

    /// <summary><see cref="HealthMetrics.ResponseTime"/>, in milliseconds.</summary>
    public const string ResponseTime = "responseTime";

    /// <summary><see cref="HealthMetrics.ErrorRate"/>, from 0 to 1.</summary>
    public const string ErrorRate = "errorRate";

    /// <summary><see cref="HealthMetrics.Throughput"/>, per second.</summary>
    public const string Throughput = "throughput";
}
