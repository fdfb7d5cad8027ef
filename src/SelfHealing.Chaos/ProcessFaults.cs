namespace SelfHealing.Chaos;

/// <summary>The background work of the faults that act on the process: memory held, threads spinning, pool threads blocked.</summary>
internal static class ProcessFaults
{
    private const int Chunk = 1 << 20;

    /// <summary>Starts what <paramref name="active"/> runs in the background, if anything; disposing it stops and frees it.</summary>
    public static IDisposable? Start(ActiveChaosFault active, TimeProvider time) => active.Fault.Kind switch
    {
        ChaosFaultKind.MemoryGrowth => new MemoryGrowth(active, time),
        ChaosFaultKind.CpuBurn => new CpuBurn(active.Fault.Threads),
        ChaosFaultKind.ThreadPoolStarvation => new PoolStarvation(active.Fault.Threads),
        _ => null,
    };

    // Holds 1 MiB arrays (written, so the memory is committed), adding them every 100 ms until the share of the ramp
    // that has passed is reached.
    internal sealed class MemoryGrowth : IDisposable
    {
        private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
        private readonly Lock _gate = new();
        private readonly List<byte[]> _held = [];
        private readonly ActiveChaosFault _active;
        private readonly TimeProvider _time;
        private readonly ITimer _timer;
        private bool _disposed;

        public MemoryGrowth(ActiveChaosFault active, TimeProvider time)
        {
            _active = active;
            _time = time;
            Grow();
            _timer = time.CreateTimer(static s => ((MemoryGrowth)s!).Grow(), this, Step, Step);
        }

        /// <summary>Gets how many 1 MiB chunks are held.</summary>
        public int HeldChunks
        {
            get
            {
                lock (_gate)
                {
                    return _held.Count;
                }
            }
        }

        public void Dispose()
        {
            bool held;
            lock (_gate)
            {
                _disposed = true;
                held = _held.Count > 0;
                _held.Clear();
            }

            _timer?.Dispose();
            if (held)
            {
                // The leak is over: its memory goes back now, not at whenever the next full collection would come.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
            }
        }

        private void Grow()
        {
            ChaosFault fault = _active.Fault;
            double share = fault.Ramp <= TimeSpan.Zero ? 1 : Math.Min(1, _time.GetElapsedTime(_active.StartedTimestamp) / fault.Ramp);
            long wanted = (long)(fault.Bytes * share) / Chunk;
            lock (_gate)
            {
                while (!_disposed && _held.Count < wanted)
                {
                    byte[] chunk = GC.AllocateUninitializedArray<byte>(Chunk);
                    for (int i = 0; i < chunk.Length; i += 4096)
                    {
                        chunk[i] = 1;
                    }

                    _held.Add(chunk);
                }
            }
        }
    }

    internal sealed class CpuBurn : Running, IDisposable
    {
        private volatile bool _stopped;

        public CpuBurn(int threads)
        {
            for (int i = 0; i < threads; i++)
            {
                new Thread(Spin) { IsBackground = true, Name = "chaos-cpu-burn" }.Start();
            }
        }

        public void Dispose() => _stopped = true;

        private void Spin()
        {
            Enter();
            while (!_stopped)
            {
                Thread.SpinWait(1_000);
            }

            Leave();
        }
    }

    internal sealed class PoolStarvation : Running, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();

        public PoolStarvation(int workItems)
        {
            for (int i = 0; i < workItems; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Block(), this, preferLocal: false);
            }
        }

        private void Block()
        {
            Enter();
            _release.Wait();
            Leave();
        }

        public void Dispose() => _release.Set();
    }

    /// <summary>Counts the threads or work items a fault keeps busy, so tests wait for them with a signal instead of a sleep.</summary>
    internal abstract class Running
    {
        private readonly object _gate = new();
        private int _running;

        /// <summary>Waits until exactly <paramref name="count"/> are running, at most <paramref name="timeout"/>.</summary>
        /// <returns><see langword="true"/> when they are.</returns>
        public bool WaitRunning(int count, TimeSpan timeout)
        {
            long started = TimeProvider.System.GetTimestamp(); // threads run in real time: so does the wait for them
            lock (_gate)
            {
                while (_running != count)
                {
                    TimeSpan left = timeout - TimeProvider.System.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    {
                        return _running == count;
                    }
                }

                return true;
            }
        }

        protected void Enter() => Change(+1);

        protected void Leave() => Change(-1);

        private void Change(int delta)
        {
            lock (_gate)
            {
                _running += delta;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
