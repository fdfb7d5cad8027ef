namespace SelfHealing.Health;

public sealed partial class HealthMonitor
{
    /// <summary>
    /// Sends a signal to the monitor. Signals are handled one at a time, in the order sent; the task ends when
    /// this one has been handled (for <see cref="HealthSignal.CheckHealth"/> and
    /// <see cref="HealthSignal.ComponentUpdated"/>, when the checks it asked for have run).
    /// </summary>
    /// <param name="signal">The signal.</param>
    /// <param name="cancellationToken">Stops waiting (the signal may still be handled).</param>
    /// <returns>Whether the signal applied: false for an unknown component, or when the monitor is not running.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An interval is out of range.</exception>
    /// <exception cref="ArgumentException">A threshold is invalid (the message names each problem).</exception>
    public async Task<bool> SignalAsync(HealthSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal is HealthSignal.AdjustMonitorRate rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate.Interval, TimeSpan.FromMilliseconds(100), nameof(signal));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rate.Interval, TimeSpan.FromHours(1), nameof(signal));
        }

        if (signal is HealthSignal.UpdateAlertThresholds update)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(update.Component, nameof(signal));
            ArgumentNullException.ThrowIfNull(update.Thresholds, nameof(signal));
            var errors = new OptionErrors("");
            foreach ((string metric, MetricThreshold threshold) in update.Thresholds)
            {
                errors.Include(threshold?.Check($"{update.Component}:{metric}") ?? Missing(metric));
            }

            errors.ThrowIfAny(nameof(signal));
        }

        // Before the monitor starts (or after it stops) nobody reads signals: they do not apply.
        var handled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Volatile.Read(ref _scheduler) is null || !_signals.Writer.TryWrite((signal, handled)))
        {
            return false;
        }

        return await handled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadSignalsAsync()
    {
        await foreach ((HealthSignal signal, TaskCompletionSource<bool> handled) in _signals.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                handled.TrySetResult(await HandleAsync(signal).ConfigureAwait(false));
            }
#pragma warning disable CA1031 // The sender learns of the failure; the loop goes on with the next signal.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                handled.TrySetException(ex);
            }

            if (signal is HealthSignal.Shutdown)
            {
                break;
            }
        }

        // Signals sent while the monitor stopped are answered: they did not apply.
        while (_signals.Reader.TryRead(out (HealthSignal Signal, TaskCompletionSource<bool> Handled) late))
        {
            late.Handled.TrySetResult(false);
        }
    }

    private async Task<bool> HandleAsync(HealthSignal signal)
    {
        switch (signal)
        {
            case HealthSignal.CheckHealth { Component: null }:
                await CheckNowAsync().ConfigureAwait(false);
                return Volatile.Read(ref _scheduler) is not null;
            case HealthSignal.CheckHealth { Component: { } name }:
                return await CheckKnownAsync(name).ConfigureAwait(false);
            case HealthSignal.ComponentUpdated updated:
                return await CheckKnownAsync(updated.Component).ConfigureAwait(false);
            case HealthSignal.AdjustMonitorRate { Component: null } rate:
                bool applied = false;
                foreach (string name in Volatile.Read(ref _states).Keys)
                {
                    applied |= SetInterval(name, rate.Interval);
                }

                return applied;
            case HealthSignal.AdjustMonitorRate rate:
                return SetInterval(rate.Component, rate.Interval);
            case HealthSignal.UpdateAlertThresholds update:
                if (!Volatile.Read(ref _states).TryGetValue(update.Component, out ComponentState? state))
                {
                    return false;
                }

                state.UpdateThresholds(update.Thresholds);
                return true;
            case HealthSignal.Shutdown:
                if (Interlocked.Exchange(ref _scheduler, null) is { } scheduler)
                {
                    await scheduler.DisposeAsync().ConfigureAwait(false);
                }

                _signals.Writer.TryComplete();
                return true;
            default:
                return false;
        }
    }

    private async Task<bool> CheckKnownAsync(string name)
    {
        if (!Volatile.Read(ref _states).ContainsKey(name) || Volatile.Read(ref _scheduler) is null)
        {
            return false;
        }

        await CheckNowAsync(name).ConfigureAwait(false);
        return true;
    }

    private static OptionErrors Missing(string metric)
    {
        var errors = new OptionErrors("");
        errors.AddMessage($"{metric} has no threshold; allowed: a threshold.");
        return errors;
    }
}
