namespace SelfHealing.Health;

/// <summary>
/// Runs each scheduled component check on its own interval, on <see cref="TimeProvider"/> timers: a check runs
/// at once when scheduled, then again one interval after its previous run ended (runs of one check never
/// overlap, and a slow check delays only itself). A run is handed a token that is cancelled when the scheduler
/// is disposed.
/// </summary>
internal sealed class HealthCheckScheduler(TimeProvider time) : IAsyncDisposable
{
    private volatile bool _disposedUnderRun;
    private readonly TimeProvider _time = time;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts running <paramref name="run"/> for <paramref name="name"/> every <paramref name="interval"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive.</exception>
    /// <exception cref="InvalidOperationException">A check of that name is already scheduled.</exception>
    public void Schedule(string name, Func<CancellationToken, Task> run, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Entry entry;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_entries.ContainsKey(name))
            {
                throw new InvalidOperationException($"The health check '{name}' is already scheduled.");
            }

            entry = new Entry(this, run, interval);
            _entries.Add(name, entry);
        }

        entry.Start();
    }

    /// <summary>Changes how often a check runs; the next run comes one new interval after the last one ended.</summary>
    /// <returns>False when no check of that name is scheduled.</returns>
    public bool ChangeInterval(string name, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Entry? entry;
        lock (_gate)
        {
            _entries.TryGetValue(name, out entry);
        }

        entry?.ChangeInterval(interval);
        return entry is not null;
    }

    /// <summary>Runs the named check now (or every check), unless it is already running, and waits for those runs.</summary>
    public Task RunNowAsync(string? name = null)
    {
        Entry[] entries;
        lock (_gate)
        {
            entries = name is null ? [.. _entries.Values] : _entries.TryGetValue(name, out Entry? one) ? [one] : [];
        }

        return Task.WhenAll(entries.Select(e => e.RunAsync()));
    }

    /// <summary>
    /// Runs the named check once more, starting after this call: a run already going may have read the state
    /// before a change, so the new run starts when it ends (requests made meanwhile share that one run).
    /// </summary>
    /// <returns>A task that ends when that run has ended; completed at once for an unknown name.</returns>
    public Task RunAfresh(string name)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(name, out Entry? entry) ? entry.RunAfresh() : Task.CompletedTask;
        }
    }

    /// <summary>A task that ends when the named check's current run (if any) has ended and its next run is scheduled.</summary>
    public Task WhenIdle(string name)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(name, out Entry? entry) ? entry.Running : Task.CompletedTask;
        }
    }

    /// <summary>Stops every timer and cancels running checks without waiting for them.</summary>
    public void Cancel() => _ = Stop();

    /// <summary>Stops every timer, cancels running checks and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Stop() is { } entries)
        {
            await Task.WhenAll(entries.Select(e => e.Running)).ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    // The entries that were running, or null when already stopped.
    private Entry[]? Stop()
    {
        Entry[] entries;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            _stopping.Cancel();
            entries = [.. _entries.Values];
        }

        foreach (Entry entry in entries)
        {
            entry.Stop();
        }

        return entries;
    }

    private sealed class Entry
    {
        private readonly HealthCheckScheduler _owner;
        private readonly Func<CancellationToken, Task> _run;
        private readonly ITimer _timer;
        private readonly Lock _gate = new();
        private TimeSpan _interval;
        private Task _running = Task.CompletedTask;
        private Task? _again;

        public Entry(HealthCheckScheduler owner, Func<CancellationToken, Task> run, TimeSpan interval)
        {
            _owner = owner;
            _run = run;
            _interval = interval;
            _timer = owner._time.CreateTimer(static e => _ = ((Entry)e!).RunAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public Task Running
        {
            get
            {
                lock (_gate)
                {
                    return _running;
                }
            }
        }

        public void Start() => _ = RunAsync();

        public void ChangeInterval(TimeSpan interval)
        {
            lock (_gate)
            {
                _interval = interval;
                if (_running.IsCompleted && !_owner._stopping.IsCancellationRequested)
                {
                    _timer.Change(interval, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Stop() => _timer.Dispose();

        public Task RunAfresh()
        {
            lock (_gate)
            {
                if (_running.IsCompleted || _owner._stopping.IsCancellationRequested)
                {
                    return RunAsync();
                }

                return _again ??= _running.ContinueWith(
                    static (_, state) => ((Entry)state!).StartAgain(),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default).Unwrap();
            }
        }

        private Task StartAgain()
        {
            lock (_gate)
            {
                _again = null;
            }

            return RunAsync();
        }

        public Task RunAsync()
        {
            lock (_gate)
            {
                if (!_running.IsCompleted || _owner._stopping.IsCancellationRequested)
                {
                    return _running;
                }

                // The timer stays armed: should it fire during this run, it finds the run going and does nothing;
                // the run re-arms it when it ends.
                _running = RunCoreAsync();
                return _running;
            }
        }

        private async Task RunCoreAsync()
        {
            CancellationToken stopping = _owner._stopping.Token;
            try
            {
                await _run(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The container is being disposed (a host disposed without being stopped) and the run could not make
                // its scope: the check's own exceptions are outcomes, never thrown here, so this one only means the
                // app is going away. Nothing to report, nothing to re-arm.
                _owner._disposedUnderRun = true;
                return;
            }
            finally
            {
                lock (_gate)
                {
                    if (!stopping.IsCancellationRequested && !_owner._disposedUnderRun)
                    {
                        _timer.Change(_interval, Timeout.InfiniteTimeSpan);
                    }
                }
            }
        }
    }
}
