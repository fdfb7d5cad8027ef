using Microsoft.Extensions.Hosting;

namespace SelfHealing.Health;

/// <summary>
/// Measures the process on a thread of its own and reports it to the health monitor: CPU (percent of the machine),
/// memory load (percent of what the GC may use), the managed heap, and how long work waits for a thread-pool thread.
/// Its own thread is the point: when the pool is starved, everything that runs on it (checks, probes, timers) stops,
/// but this still measures and reports, so starvation is seen while it lasts, not after.
/// </summary>
internal sealed class ProcessHealthSampler(HealthMonitor monitor, ProcessHealthOptions options, TimeProvider time) : IHostedService, IDisposable
{
    // How often a thread-pool sample item is queued: every 100 ms, or every interval when that is shorter. A stall of the
    // pool longer than the tick is always caught by an item queued within it; each wake-up of the thread costs more CPU
    // than the sampling itself, so the tick is no shorter than that.
    private static readonly TimeSpan LongestTick = TimeSpan.FromMilliseconds(100);
    private readonly TimeSpan _tick = options.Interval < LongestTick ? options.Interval : LongestTick;
    private readonly PoolDelay _pool = new(time);
    // No spinning before it blocks: the thread sleeps between ticks, and a spin each time cost more CPU than the sampling.
    private readonly ManualResetEventSlim _stop = new(initialState: false, spinCount: 0);
    private Thread? _thread;

    /// <summary>Gets or sets a callback after each report (tests wait on it).</summary>
    internal Action<HealthMetrics>? Reported { get; set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop.Reset();
        _thread = new Thread(Run) { IsBackground = true, Name = "selfhealing-process-health" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stop.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private void Run()
    {
        long lastReport = time.GetTimestamp();
        TimeSpan lastCpu = Environment.CpuUsage.TotalTime;
        _pool.Sample(lastReport);
        while (!_stop.Wait(_tick))
        {
            long now = time.GetTimestamp();
            TimeSpan wall = time.GetElapsedTime(lastReport, now);
            if (wall < options.Interval - (_tick / 2))
            {
                _pool.Sample(now);
                continue; // a tick within the interval (a wait may end a little early: half a tick is the allowance)
            }

            TimeSpan cpu = Environment.CpuUsage.TotalTime;
            GCMemoryInfo memory = GC.GetGCMemoryInfo();
            var metrics = new HealthMetrics
            {
                CpuPercent = 100 * (cpu - lastCpu).TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount),
                MemoryPercent = memory.TotalAvailableMemoryBytes > 0 ? 100.0 * memory.MemoryLoadBytes / memory.TotalAvailableMemoryBytes : null,
                Custom = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    [HealthMetricNames.ThreadPoolDelay] = _pool.TakeLongestMilliseconds(now),
                    [HealthMetricNames.ThreadPoolQueue] = ThreadPool.PendingWorkItemCount,
                    [HealthMetricNames.HeapMegabytes] = GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0),
                },
            };
            lastReport = now;
            lastCpu = cpu;
            _pool.Sample(now); // the next item, queued once the waits so far are read
            try
            {
                monitor.Report(options.Component, metrics);
            }
            catch (ArgumentException)
            {
                continue; // the monitor has not started yet, or has stopped
            }

            Reported?.Invoke(metrics);
        }
    }

    /// <summary>
    /// How long a work item waits for a pool thread: one sample item is queued at a time; its wait is measured when it
    /// runs, and while it has not run yet, its wait so far counts.
    /// </summary>
    /// <param name="time">The clock.</param>
    /// <param name="queue">Queues the sample item (the thread pool; tests hold it instead).</param>
    internal sealed class PoolDelay(TimeProvider time, Action<PoolDelay>? queue = null)
    {
        private const long None = long.MinValue;
        private readonly Lock _gate = new();
        private readonly Action<PoolDelay> _queue = queue ?? (static self => ThreadPool.UnsafeQueueUserWorkItem(static s => s.Ran(s.Now), self, preferLocal: false));
        private long _queuedAt = None;
        private double _longest;

        private long Now => time.GetTimestamp();

        /// <summary>Queues a sample item unless one is waiting.</summary>
        public void Sample(long now)
        {
            if (Interlocked.CompareExchange(ref _queuedAt, now, None) == None)
            {
                _queue(this);
            }
        }

        /// <summary>The longest wait since the last call, the current item's included; starts afresh.</summary>
        public double TakeLongestMilliseconds(long now)
        {
            long queued = Volatile.Read(ref _queuedAt);
            double waiting = queued == None ? 0 : time.GetElapsedTime(queued, now).TotalMilliseconds;
            lock (_gate)
            {
                double longest = Math.Max(_longest, waiting);
                _longest = 0;
                return longest;
            }
        }

        /// <summary>The sample item ran at <paramref name="now"/>.</summary>
        internal void Ran(long now)
        {
            long queued = Interlocked.Exchange(ref _queuedAt, None);
            double waited = time.GetElapsedTime(queued, now).TotalMilliseconds;
            lock (_gate)
            {
                _longest = Math.Max(_longest, waited);
            }
        }
    }
}
