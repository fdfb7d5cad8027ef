using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.Events;

namespace SelfHealing.Health;

/// <summary>
/// Watches the application's registered <see cref="IHealthCheck"/>s: each runs on its own interval (a slow
/// check delays only itself; a check past its registration's timeout counts as failed), its outcomes become a
/// <see cref="HealthLevel"/> only after enough of them agree in a row, and every change of level is published as
/// <see cref="HealthChanged"/> on the event hub and logged. Registered and started by <c>AddSelfHealing()</c>.
/// </summary>
/// <remarks>
/// This is the first part of the monitor: component probes, thresholds on metrics, prediction, the dependency
/// roll-up, signals and alerts build on it.
/// </remarks>
public sealed partial class HealthMonitor : IHostedService, IAsyncDisposable
{
    /// <summary>The tag of health checks the monitor does not run: its own view, which would otherwise watch itself.</summary>
    public const string OwnCheckTag = "selfhealing-monitor";

    /// <summary>The source name on the events the monitor publishes.</summary>
    public const string EventSource = "health";

    private readonly HealthMonitorOptions _options;
    private readonly HealthCheckServiceOptions _checks;
    private readonly HealthCheckRunner _runner;
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CheckStatusTracker> _trackers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ComponentHealth> _components = new(StringComparer.Ordinal);
    private readonly Channel<(HealthSignal Signal, TaskCompletionSource<bool> Handled)> _signals =
        Channel.CreateUnbounded<(HealthSignal, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    private HealthCheckScheduler? _scheduler;
    private Task _signalLoop = Task.CompletedTask;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The monitor's options.</param>
    /// <param name="checks">The application's health check registrations.</param>
    /// <param name="scopes">Creates a service scope for each check run.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="hub">Where <see cref="HealthChanged"/> events go; none when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">An option is out of its range; the message names each one.</exception>
    public HealthMonitor(
        IOptions<HealthMonitorOptions> options,
        IOptions<HealthCheckServiceOptions> checks,
        IServiceScopeFactory scopes,
        TimeProvider timeProvider,
        IEventHub? hub = null,
        ILogger<HealthMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        HealthMonitorOptionsValidator.ThrowIfInvalid(options.Value);
        _options = options.Value.Copy();
        _checks = checks.Value;
        _runner = new HealthCheckRunner(scopes, timeProvider);
        _time = timeProvider;
        _hub = hub;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets every component the monitor has checked at least once, by name.</summary>
    public IReadOnlyCollection<ComponentHealth> Components => [.. _components.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Gets a component's health, or <see langword="null"/> before its first check ends (or for an unknown name).</summary>
    /// <param name="name">The health check registration's name.</param>
    /// <returns>The component's health.</returns>
    public ComponentHealth? GetHealth(string name) => _components.GetValueOrDefault(name);

    /// <summary>Starts checking every registered health check.</summary>
    /// <param name="cancellationToken">Not used: starting does not wait for the first checks.</param>
    /// <returns>A completed task.</returns>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = new HealthCheckScheduler(_runner, _time, OnOutcomeAsync);
        if (Interlocked.CompareExchange(ref _scheduler, scheduler, null) is not null)
        {
            return Task.CompletedTask;
        }

        foreach (HealthCheckRegistration registration in _checks.Registrations.Where(r => !r.Tags.Contains(OwnCheckTag)))
        {
            _trackers[registration.Name] = new CheckStatusTracker(registration.Name, _options.OutcomesToWorsen, _options.OutcomesToRecover);
            scheduler.Schedule(registration, _options.Intervals.TryGetValue(registration.Name, out TimeSpan interval) ? interval : _options.DefaultInterval);
        }

        _signalLoop = Task.Run(ReadSignalsAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Runs the named check (or every check) now, and waits for those runs.</summary>
    /// <param name="name">The check; every check when <see langword="null"/>.</param>
    /// <returns>A task that ends when the runs have ended.</returns>
    public Task CheckNowAsync(string? name = null) => Volatile.Read(ref _scheduler)?.RunNowAsync(name) ?? Task.CompletedTask;

    /// <summary>
    /// Sends a signal to the monitor. Signals are handled one at a time, in the order sent; the task ends when
    /// this one has been handled (for <see cref="HealthSignal.CheckHealth"/> and
    /// <see cref="HealthSignal.ComponentUpdated"/>, when the checks it asked for have run).
    /// </summary>
    /// <param name="signal">The signal.</param>
    /// <param name="cancellationToken">Stops waiting (the signal may still be handled).</param>
    /// <returns>Whether the signal applied: false for an unknown component, or when the monitor is not running.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An interval is out of range.</exception>
    public async Task<bool> SignalAsync(HealthSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal is HealthSignal.AdjustMonitorRate rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate.Interval, TimeSpan.FromMilliseconds(100), nameof(signal));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rate.Interval, TimeSpan.FromHours(1), nameof(signal));
        }

        var handled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_signals.Writer.TryWrite((signal, handled)))
        {
            return false;
        }

        return await handled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A task that ends when the named check is not running (its next run scheduled).</summary>
    internal Task WhenIdle(string name) => Volatile.Read(ref _scheduler)?.WhenIdle(name) ?? Task.CompletedTask;

    /// <summary>Changes how often a check runs.</summary>
    /// <param name="name">The check.</param>
    /// <param name="interval">The new interval, 100 milliseconds to 1 hour.</param>
    /// <returns>False when the monitor has no check of that name (or has not started).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The interval is out of range.</exception>
    public bool SetInterval(string name, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, TimeSpan.FromHours(1));
        return Volatile.Read(ref _scheduler)?.ChangeInterval(name, interval) ?? false;
    }

    /// <summary>Stops checking; running checks are cancelled and awaited.</summary>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>A task that ends when the checks have stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _signals.Writer.TryComplete();
        if (Interlocked.Exchange(ref _scheduler, null) is { } scheduler)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false); // cancels running checks, so a signal waiting on one ends
        }

        await _signalLoop.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

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
                return;
            }
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
                return _trackers.Keys.Select(name => SetInterval(name, rate.Interval)).ToList().TrueForAll(applied => applied);
            case HealthSignal.AdjustMonitorRate rate:
                return SetInterval(rate.Component, rate.Interval);
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
        if (!_trackers.ContainsKey(name) || Volatile.Read(ref _scheduler) is null)
        {
            return false;
        }

        await CheckNowAsync(name).ConfigureAwait(false);
        return true;
    }

    private ValueTask OnOutcomeAsync(HealthCheckOutcome outcome)
    {
        CheckStatusTracker tracker = _trackers[outcome.Name];
        HealthLevel before = tracker.Level;
        HealthLevel after = tracker.Observe(outcome);
        DateTimeOffset now = _time.GetUtcNow();
        bool first = !_components.TryGetValue(outcome.Name, out ComponentHealth? previous);
        _components[outcome.Name] = new ComponentHealth(
            outcome.Name, after, tracker.Reason, first || before != after ? now : previous!.Since, now, outcome.Duration);
        if (before != after)
        {
            if (after > before)
            {
                LogWorsened(_logger, outcome.Name, before, after, tracker.Reason);
            }
            else
            {
                LogImproved(_logger, outcome.Name, before, after, tracker.Reason);
            }

            _hub?.Publish(new HealthChanged(EventSource, now, outcome.Name, before, after, tracker.Reason));
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Component {Component} went from {Previous} to {Level}: {Reason}")]
    private static partial void LogWorsened(ILogger logger, string component, HealthLevel previous, HealthLevel level, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Component {Component} went from {Previous} to {Level}: {Reason}")]
    private static partial void LogImproved(ILogger logger, string component, HealthLevel previous, HealthLevel level, string reason);
}
