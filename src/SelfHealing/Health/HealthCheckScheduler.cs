namespace SelfHealing.Health;

/// <summary>
/// Runs each scheduled component check on its interval, on <see cref="TimeProvider"/> timers: a check runs at once
/// when scheduled, then on every beat of its interval. Checks that share an interval share one timer, so they wake the
/// process once per beat rather than once each. A beat skips a check whose run is still going (runs of one check never
/// overlap, and a slow check delays only itself) or began less than half an interval before (one asked for meanwhile,
/// or a check that joined the beat late). A run is handed a token that is cancelled when the scheduler is disposed.
/// </summary>
internal sealed class HealthCheckScheduler(TimeProvider time) : IAsyncDisposable
{
    private volatile bool _disposedUnderRun;
    private readonly TimeProvider _time = time;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<TimeSpan, Beat> _beats = [];
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
            Join(entry, interval);
        }

        entry.Start();
    }

    /// <summary>Changes how often a check runs: from now on it runs on the beats of the new interval.</summary>
    /// <returns>False when no check of that name is scheduled.</returns>
    public bool ChangeInterval(string name, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        lock (_gate)
        {
            if (!_entries.TryGetValue(name, out Entry? entry))
            {
                return false;
            }

            if (entry.Interval != interval && !_stopping.IsCancellationRequested)
            {
                Leave(entry);
                Join(entry, interval);
            }

            return true;
        }
    }

    // Under _gate: the entry goes on the beat of its interval, made on first use.
    private void Join(Entry entry, TimeSpan interval)
    {
        entry.Interval = interval;
        if (!_beats.TryGetValue(interval, out Beat? beat))
        {
            beat = new Beat(this, interval);
            _beats.Add(interval, beat);
        }

        beat.Entries = [.. beat.Entries, entry];
    }

    // Under _gate: the entry leaves its beat; a beat left with no entry stops.
    private void Leave(Entry entry)
    {
        Beat beat = _beats[entry.Interval];
        beat.Entries = [.. beat.Entries.Where(e => e != entry)];
        if (beat.Entries.Length == 0)
        {
            _beats.Remove(entry.Interval);
            beat.Stop();
        }
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

    /// <summary>A task that ends when the named check's current run (if any) has ended.</summary>
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
            foreach (Beat beat in _beats.Values)
            {
                beat.Stop();
            }
        }

        return entries;
    }

    // One timer for the checks of one interval: each beat starts those that are due.
    private sealed class Beat
    {
        private readonly ITimer _timer;
        private Entry[] _entries = [];

        public Beat(HealthCheckScheduler owner, TimeSpan interval)
        {
            _timer = owner._time.CreateTimer(static b => ((Beat)b!).Tick(), this, interval, interval);
        }

        // Replaced whole under the scheduler's gate, read without it.
        public Entry[] Entries
        {
            get => Volatile.Read(ref _entries);
            set => Volatile.Write(ref _entries, value);
        }

        public void Stop() => _timer.Dispose();

        private void Tick()
        {
            foreach (Entry entry in Entries)
            {
                entry.Beat();
            }
        }
    }

    private sealed class Entry(HealthCheckScheduler owner, Func<CancellationToken, Task> run, TimeSpan interval)
    {
        private readonly Lock _gate = new();
        private Task _running = Task.CompletedTask;
        private Task? _again;
        private long _startedAt = long.MinValue;

        // Set under the scheduler's gate.
        public TimeSpan Interval { get; set; } = interval;

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

        // A beat of the entry's interval: runs unless a run is going or began less than half an interval ago.
        public void Beat()
        {
            lock (_gate)
            {
                if (!_running.IsCompleted || owner._disposedUnderRun
                    || (_startedAt != long.MinValue && owner._time.GetElapsedTime(_startedAt) < Interval / 2))
                {
                    return;
                }
            }

            _ = RunAsync();
        }

        public Task RunAfresh()
        {
            lock (_gate)
            {
                if (_running.IsCompleted || owner._stopping.IsCancellationRequested)
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
                if (!_running.IsCompleted || owner._stopping.IsCancellationRequested)
                {
                    return _running;
                }

                _startedAt = owner._time.GetTimestamp();
                _running = RunCoreAsync();
                return _running;
            }
        }

        private async Task RunCoreAsync()
        {
            CancellationToken stopping = owner._stopping.Token;
            try
            {
                await run(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (ObjectDisposedException)
            {
                // The container is being disposed (a host disposed without being stopped) and the run could not make
                // its scope: the check's own exceptions are outcomes, never thrown here, so this one only means the
                // app is going away. Nothing to report, and no beat starts a check again.
                owner._disposedUnderRun = true;
            }
        }
    }
}
