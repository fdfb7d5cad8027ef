namespace SelfHealing.Metrics;

/// <summary>Names of the process metrics the collector samples at every bucket (see <see cref="MetricsCollectorOptions.CollectProcessMetrics"/>).</summary>
public static class ProcessMetricNames
{
    /// <summary>Gauge: the share of all cores the process used during the bucket, 0 to 1.</summary>
    public const string CpuUtilization = "process.cpu.utilization";

    /// <summary>Gauge: the working set, in bytes.</summary>
    public const string WorkingSet = "process.memory.working_set";

    /// <summary>Gauge: the managed heap size after the last garbage collection, in bytes.</summary>
    public const string GcHeapSize = "process.gc.heap_size";

    /// <summary>Gauge: work items waiting in the thread pool's queues.</summary>
    public const string ThreadPoolQueueLength = "process.thread_pool.queue_length";

    /// <summary>Gauge: the thread pool's threads.</summary>
    public const string ThreadPoolThreads = "process.thread_pool.thread_count";

    /// <summary>
    /// Gauge: how long, in seconds, a work item queued by the collector waited before a thread-pool thread ran
    /// it (while it still waits, how long so far). Starvation shows as this delay growing past a second.
    /// </summary>
    public const string ThreadPoolSchedulingDelay = "process.thread_pool.scheduling_delay";

    /// <summary>Counter: exceptions thrown in the process (first chance, caught or not).</summary>
    public const string Exceptions = "process.exceptions";
}
