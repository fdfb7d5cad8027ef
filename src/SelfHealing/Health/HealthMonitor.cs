using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;

namespace SelfHealing.Health;

/// <summary>
/// Watches the application's components: every registered <see cref="IHealthCheck"/> and every component
/// declared in <see cref="HealthMonitorOptions.Components"/>, each on its own interval (a slow one delays only
/// itself). A component's level is the worst of its sources — its health check, its probe, levels and values it
/// reports, values from the metrics collector — each turned into a level without flapping (consecutive rules,
/// thresholds with hysteresis). Changes are published as <see cref="HealthChanged"/> and alerted; trends that
/// will breach a threshold within the horizon are alerted before the breach and published as
/// <see cref="BreachPredicted"/>. Registered and started by <c>AddSelfHealing()</c>.
/// </summary>
public sealed partial class HealthMonitor : IHostedService, IAsyncDisposable, IDisposable, IHealthLevelSource, IHealthView
{
    /// <summary>The tag of health checks the monitor does not run: its own views, which would otherwise watch themselves.</summary>
    public const string OwnCheckTag = "selfhealing-monitor";

    /// <summary>
    /// The tag of health checks that report circuit breakers' state (SelfHealing's breaker checks carry it). The
    /// breaker already debounces its state, so the monitor takes each outcome of such a check at once (no
    /// <see cref="HealthMonitorOptions.OutcomesToWorsen"/> rule), checks it again as soon as a breaker changes
    /// state (from the <see cref="CircuitBreakers.CircuitStateChanged"/> events, not on the next interval), and
    /// alerts a Degraded breaker at <see cref="AlertSeverity.Info"/>: the breaker has logged its own warning.
    /// </summary>
    public const string BreakerStateTag = "selfhealing-breaker-state";

    /// <summary>The source name on the events the monitor publishes.</summary>
    public const string EventSource = "health";

    /// <summary>The tag on every health check SelfHealing registers (see <c>SelfHealingServiceCollectionExtensions.HealthCheckTag</c>).</summary>
    internal const string LibraryTag = "selfhealing";

    /// <summary>The check of every breaker (see <c>SelfHealingServiceCollectionExtensions.CircuitBreakersHealthCheckName</c>).</summary>
    internal const string AllBreakersCheckName = "selfhealing-circuit-breakers";
    private static readonly IReadOnlyDictionary<string, ComponentState> NoComponents = new Dictionary<string, ComponentState>();
    private readonly HealthMonitorOptions _options;
    private readonly HealthCheckServiceOptions _checks;
    private readonly HealthCheckRunner _runner;
    private readonly ScopedRuns _probeRuns;
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly IMetricsCollector? _collector;
    private readonly HealthAlerter _alerter;
    private readonly ILogger _logger;
    private readonly Channel<(HealthSignal Signal, TaskCompletionSource<bool> Handled)> _signals =
        Channel.CreateUnbounded<(HealthSignal, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    private IReadOnlyDictionary<string, ComponentState> _states = NoComponents;
    private HealthCheckScheduler? _scheduler;
    private Task _signalLoop = Task.CompletedTask;
    private EventSubscription? _breakerNews;
    private Task _breakerLoop = Task.CompletedTask;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The monitor's options.</param>
    /// <param name="checks">The application's health check registrations.</param>
    /// <param name="scopes">Creates a service scope for each check and probe run.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="hub">Where events go; none when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="collector">Where components' collector metrics are read; none when <see langword="null"/>.</param>
    /// <param name="sinks">The alert sinks besides the log.</param>
    /// <exception cref="ArgumentException">An option is out of its range; the message names each one.</exception>
    public HealthMonitor(
        IOptions<HealthMonitorOptions> options,
        IOptions<HealthCheckServiceOptions> checks,
        IServiceScopeFactory scopes,
        TimeProvider timeProvider,
        IEventHub? hub = null,
        ILogger<HealthMonitor>? logger = null,
        IMetricsCollector? collector = null,
        IEnumerable<HealthAlertSinkRegistration>? sinks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(timeProvider);
        HealthMonitorOptionsValidator.ThrowIfInvalid(options.Value);
        _options = options.Value.Copy();
        _checks = checks.Value;
        _runner = new HealthCheckRunner(scopes, timeProvider);
        _probeRuns = new ScopedRuns(scopes, timeProvider);
        _time = timeProvider;
        _hub = hub;
        _collector = collector;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        List<HealthAlertSinkRegistration> outlets = [.. sinks ?? []];
        if (_options.LogAlerts)
        {
            outlets.Insert(0, new HealthAlertSinkRegistration(new LoggingAlertSink(_logger), new HealthAlertRoute()));
        }

        _alerter = new HealthAlerter(outlets, timeProvider, _logger);
    }

    /// <summary>Gets every component the monitor has a view of (checked or reported at least once), by name.</summary>
    public IReadOnlyCollection<ComponentHealth> Components => GetSystemHealth().Components;

    /// <summary>Gets the alerts whose condition lasts, by key.</summary>
    public IReadOnlyList<HealthAlert> ActiveAlerts => _alerter.Active;

    /// <summary>Gets a component's health, or <see langword="null"/> before its first check or report ends (or for an unknown name).</summary>
    /// <param name="name">The component.</param>
    /// <returns>The component's health.</returns>
    public ComponentHealth? GetHealth(string name) =>
        Volatile.Read(ref _states).TryGetValue(name, out ComponentState? state) ? state.Snapshot(RootCausesUpstream(name)) : null;

    /// <summary>Rolls every component up along the dependency graph.</summary>
    /// <returns>The worst level, the probable root causes, the affected components and every component's view.</returns>
    public SystemHealth GetSystemHealth()
    {
        IReadOnlyDictionary<string, ComponentState> states = Volatile.Read(ref _states);
        var memo = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        List<ComponentHealth> components = [];
        foreach (ComponentState state in states.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (state.Snapshot(RootCausesUpstream(state.Name, memo)) is { } view)
            {
                components.Add(view);
            }
        }

        HealthLevel level = components.Count == 0 ? HealthLevel.Healthy : components.Max(c => c.Level);
        return new SystemHealth(
            level,
            [.. components.Where(c => c.IsRootCause).Select(c => c.Name)],
            [.. components.Where(c => c.Level != HealthLevel.Healthy && !c.IsRootCause).Select(c => c.Name)],
            components);
    }

    /// <summary>Gets a component's history (level and values after each check or report), oldest first.</summary>
    /// <param name="name">The component.</param>
    /// <returns>Up to <see cref="HealthMonitorOptions.HistorySize"/> samples; empty for an unknown name.</returns>
    public IReadOnlyList<HealthSample> GetHistory(string name) =>
        Volatile.Read(ref _states).TryGetValue(name, out ComponentState? state) ? state.History() : [];

    /// <summary>
    /// Starts watching: builds the components from the health check registrations and the declared components,
    /// checks the dependency graph, and starts each component's runs.
    /// </summary>
    /// <param name="cancellationToken">Not used: starting does not wait for the first checks.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">A dependency or interval names an unknown component, or the dependencies form a cycle.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _scheduler) is not null)
        {
            return Task.CompletedTask;
        }

        Dictionary<string, ComponentState> states = BuildComponents();
        var scheduler = new HealthCheckScheduler(_time);
        if (Interlocked.CompareExchange(ref _scheduler, scheduler, null) is not null)
        {
            return Task.CompletedTask;
        }

        Volatile.Write(ref _states, states);
        _alerter.Start();
        foreach (ComponentState state in states.Values)
        {
            if (state.Registration is not null || state.HasProbe || state.Sources.Count > 0)
            {
                TimeSpan interval = _options.Intervals.TryGetValue(state.Name, out TimeSpan own) ? own : _options.DefaultInterval;
                scheduler.Schedule(state.Name, ct => RunAsync(state, ct), interval);
            }
        }

        _signalLoop = Task.Run(ReadSignalsAsync, CancellationToken.None);
        ComponentState[] followers = [.. states.Values.Where(s => s.FollowsBreakers)];
        if (_hub is not null && followers.Length > 0)
        {
            _breakerNews = _hub.Subscribe("health-breakers", static e => e is CircuitStateChanged);
            _breakerLoop = Task.Run(() => FollowBreakersAsync(_breakerNews, scheduler, followers), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Checks the named component (or every component) now, and waits for those runs.</summary>
    /// <param name="name">The component; every one when <see langword="null"/>.</param>
    /// <returns>A task that ends when the runs have ended.</returns>
    public Task CheckNowAsync(string? name = null) => Volatile.Read(ref _scheduler)?.RunNowAsync(name) ?? Task.CompletedTask;

    /// <summary>A task that ends when the named component is not running (its next run scheduled).</summary>
    internal Task WhenIdle(string name) => Volatile.Read(ref _scheduler)?.WhenIdle(name) ?? Task.CompletedTask;

    /// <summary>Changes how often a component is checked.</summary>
    /// <param name="name">The component.</param>
    /// <param name="interval">The new interval, 100 milliseconds to 1 hour.</param>
    /// <returns>False when the monitor checks no component of that name (or has not started).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The interval is out of range.</exception>
    public bool SetInterval(string name, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, TimeSpan.FromHours(1));
        return Volatile.Read(ref _scheduler)?.ChangeInterval(name, interval) ?? false;
    }

    /// <summary>Stops checking: running checks are cancelled and awaited, queued alerts delivered.</summary>
    /// <param name="cancellationToken">When it fires, alert sinks still delivering are cancelled.</param>
    /// <returns>A task that ends when the checks and deliveries have stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _signals.Writer.TryComplete();
        _breakerNews?.Dispose();
        if (Interlocked.Exchange(ref _scheduler, null) is { } scheduler)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false); // cancels running checks, so a signal waiting on one ends
        }

        await _breakerLoop.ConfigureAwait(false);

        await _signalLoop.ConfigureAwait(false);
        await _alerter.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Stops without waiting (for a container disposed synchronously): timers stop, running checks are cancelled,
    /// queued alerts are not delivered. Prefer <see cref="StopAsync"/> or <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose()
    {
        _signals.Writer.TryComplete();
        _breakerNews?.Dispose();
        Interlocked.Exchange(ref _scheduler, null)?.Cancel();
        _ = _alerter.StopAsync(new CancellationToken(canceled: true));
    }

    // Every breaker transition checks the breaker checks again, dependencies first (the check of every breaker
    // after each breaker's own, so its root cause is known when it changes). News arriving meanwhile is taken
    // in one pass.
    private static async Task FollowBreakersAsync(EventSubscription news, HealthCheckScheduler scheduler, ComponentState[] followers)
    {
        var names = followers.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        string[] first = [.. followers.Where(f => !f.DependsOn.Any(names.Contains)).Select(f => f.Name)];
        string[] then = [.. followers.Where(f => f.DependsOn.Any(names.Contains)).Select(f => f.Name)];
        while (await news.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            try
            {
                // Each breaker's own check again while transitions keep coming, so the check of every breaker
                // reads no newer state than they did.
                while (news.Reader.TryRead(out _))
                {
                    while (news.Reader.TryRead(out _))
                    {
                    }

                    await Task.WhenAll(first.Select(scheduler.RunAfresh)).ConfigureAwait(false);
                }

                await Task.WhenAll(then.Select(scheduler.RunAfresh)).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A run that failed is retried by its interval; following the breakers goes on.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Component {Component} went from {Previous} to {Level}: {Reason}")]
    private static partial void LogWorsened(ILogger logger, string component, HealthLevel previous, HealthLevel level, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Component {Component} went from {Previous} to {Level}: {Reason}")]
    private static partial void LogImproved(ILogger logger, string component, HealthLevel previous, HealthLevel level, string reason);

    IEnumerable<KeyValuePair<string, int>> IHealthLevelSource.ObserveLevels() =>
        Components.Select(static c => new KeyValuePair<string, int>(c.Name, (int)c.Level));
}
