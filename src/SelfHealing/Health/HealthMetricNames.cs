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

    /// <summary>
    /// The process component's (<c>AddProcessHealth</c>) longest wait of a work item for a thread-pool thread since its
    /// last report, in milliseconds: thread-pool starvation.
    /// </summary>
    public const string ThreadPoolDelay = "threadPoolDelayMs";

    /// <summary>The process component's count of work items waiting for a thread-pool thread.</summary>
    public const string ThreadPoolQueue = "threadPoolQueue";

    /// <summary>The process component's managed heap (<see cref="GC.GetTotalMemory(bool)"/>), in MiB.</summary>
    public const string HeapMegabytes = "heapMB";
}
