using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics.Sources;

/// <summary>
/// Samples the process at every bucket's end: CPU utilization (CPU time over wall time and cores), working set,
/// GC heap, thread-pool queue and threads, a thread-pool scheduling probe, and first-chance exceptions.
/// </summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly MetricsCollector _collector;
    private readonly TimeProvider _time;
    private readonly Metric? _cpu;
    private readonly Metric? _workingSet;
    private readonly Metric? _heap;
    private readonly Metric? _queue;
    private readonly Metric? _threads;
    private readonly Metric? _delay;
    private readonly Metric? _exceptions;
    private long _exceptionCount;
    private long _exceptionsReported;
    private long _lastWall;
    private TimeSpan _lastCpu;
    private long _probeQueuedAt;
    private double _lastDelay;

    public ProcessSampler(MetricsCollector collector, TimeProvider time)
    {
        _collector = collector;
        _time = time;
        _cpu = Add(ProcessMetricNames.CpuUtilization, MetricType.Gauge, "1");
        _workingSet = Add(ProcessMetricNames.WorkingSet, MetricType.Gauge, "By");
        _heap = Add(ProcessMetricNames.GcHeapSize, MetricType.Gauge, "By");
        _queue = Add(ProcessMetricNames.ThreadPoolQueueLength, MetricType.Gauge, "{work_item}");
        _threads = Add(ProcessMetricNames.ThreadPoolThreads, MetricType.Gauge, "{thread}");
        _delay = Add(ProcessMetricNames.ThreadPoolSchedulingDelay, MetricType.Gauge, "s");
        _exceptions = Add(ProcessMetricNames.Exceptions, MetricType.Counter, "{exception}");
        _lastWall = time.GetTimestamp();
        _lastCpu = Environment.CpuUsage.TotalTime;
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChanceException;
    }

    public void Sample()
    {
        long wall = _time.GetTimestamp();
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        double seconds = (double)(wall - _lastWall) / _time.TimestampFrequency;
        if (seconds > 0)
        {
            Record(_cpu, (cpu - _lastCpu).TotalSeconds / (seconds * Environment.ProcessorCount));
            _lastWall = wall;
            _lastCpu = cpu;
        }

        Record(_workingSet, Environment.WorkingSet);
        Record(_heap, GC.GetGCMemoryInfo().HeapSizeBytes);
        Record(_queue, ThreadPool.PendingWorkItemCount);
        Record(_threads, ThreadPool.ThreadCount);

        long queuedAt = Volatile.Read(ref _probeQueuedAt);
        if (queuedAt == 0)
        {
            Record(_delay, Volatile.Read(ref _lastDelay));
            Volatile.Write(ref _probeQueuedAt, Math.Max(1, wall));
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.ProbeRan(), this, preferLocal: false);
        }
        else
        {
            Record(_delay, Math.Max(Volatile.Read(ref _lastDelay), _time.GetElapsedTime(queuedAt).TotalSeconds));
        }

        long exceptions = Interlocked.Read(ref _exceptionCount);
        Record(_exceptions, exceptions - _exceptionsReported);
        _exceptionsReported = exceptions;
    }

    public void Dispose() => AppDomain.CurrentDomain.FirstChanceException -= OnFirstChanceException;

    private void ProbeRan()
    {
        long queuedAt = Volatile.Read(ref _probeQueuedAt);
        Volatile.Write(ref _lastDelay, _time.GetElapsedTime(queuedAt).TotalSeconds);
        Volatile.Write(ref _probeQueuedAt, 0);
    }

    private void OnFirstChanceException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) =>
        Interlocked.Increment(ref _exceptionCount);

    private Metric? Add(string name, MetricType type, string unit) =>
        _collector.TryAddMetric(name, type, unit, null, MetricOrigin.Process);

    private void Record(Metric? metric, double value)
    {
        if (metric is not null)
        {
            _collector.Record(metric, value, []);
        }
    }
}
