using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Storage;
using SelfHealing.Timing;

namespace SelfHealing.Recovery;

/// <summary>
/// Joins health, breakers and healable components into a loop: on a <see cref="HealthChanged"/> at or above
/// <see cref="RecoveryOptions.TriggerLevel"/> (or its breaker opening, or a planned anomaly or forecast), it opens an
/// incident, diagnoses the probable root cause along the dependency graph, waits for the recovery of failing
/// dependencies, selects a plan, and runs it: each strategy the component supports, through the approval gate
/// when it is risky, verified through the health monitor within a deadline, retried with backoff, rolled back
/// when it made things worse, and finally escalated. Outcomes are learned per failure type and strategy; incidents
/// and statistics go to the <see cref="IStateStore"/>. One component is never recovered by two runs at once;
/// independent components recover in parallel. Registered and started by <c>AddSelfHealing()</c>.
/// </summary>
public sealed partial class RecoveryManager : IHostedService, IAsyncDisposable, IDisposable, IRecoveryJournal
{
    /// <summary>The source name on the events the manager publishes.</summary>
    public const string EventSource = "recovery";

    /// <summary>The store collection of incidents.</summary>
    public const string IncidentCollection = "recovery.incidents";

    /// <summary>The store collection of strategy statistics.</summary>
    public const string StatisticsCollection = "recovery.statistics";

    /// <summary>The metric tag that ties an anomaly to a component.</summary>
    public const string ComponentTag = "component";

    private readonly IOptionsMonitor<RecoveryOptions> _optionsMonitor;
    private readonly IHealthView _monitor;
    private readonly IEventHub _hub;
    private readonly IStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<HealableComponentRegistration> _registrations;
    private readonly SinkQueue<Incident>[] _sinks;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RecoveryRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IncidentRecord> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _joined = new(StringComparer.Ordinal); // root -> components seen in its incident
    private readonly Dictionary<string, HeldTrouble> _held = new(StringComparer.Ordinal); // components without a run, waiting to join an upstream incident
    private readonly LinkedList<Incident> _closed = new();
    private readonly ConcurrentDictionary<(string FailureType, RecoveryStrategy Strategy), StrategyStatistics> _statistics = new();
    private readonly ConcurrentDictionary<(string FailureType, string? Component), RecoveryPlan> _plans = new();
    private readonly HashSet<string> _learned = new(StringComparer.Ordinal);
    private readonly RecentEvents _recent = new(4096);
    private readonly CancellationTokenSource _stopping = new();
    private readonly StoreWriter _writer;
    private readonly RecoveryRunEngine _engine;
    private readonly WorkGauge _work = new();
    private Dictionary<string, HealableTarget> _components = new(StringComparer.Ordinal);
    private RecoveryOptions _options;
    private EventSubscription? _subscription;
    private Task _loop = Task.CompletedTask;
    private long _incidentNumber;
    private int _started;

    /// <summary>Creates a manager.</summary>
    /// <param name="options">The options, read again on every decision (the switches work at runtime).</param>
    /// <param name="monitor">The health monitor: the news, the dependency graph and verification.</param>
    /// <param name="hub">Where events come from and go.</param>
    /// <param name="store">Where incidents and statistics are kept.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="services">Creates the healable components at start.</param>
    /// <param name="components">The healable components.</param>
    /// <param name="approval">The approval gate for risky actions; <see cref="DenyingApprovalGate"/> when <see langword="null"/>.</param>
    /// <param name="sinks">Incident sinks besides the log.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="configuration">
    /// The adaptive configuration: a plan whose <see cref="RecoveryPlan.Parameters"/> are all its parameters
    /// reconfigures through it (and a rollback restores its previous version); none when <see langword="null"/>.
    /// </param>
    /// <param name="leases">
    /// Leases on shared targets: a component marked <see cref="HealableComponentBuilder.SharedAs"/> is acted on only by the
    /// replica that gets the lease; none (every replica acts) when <see langword="null"/>.
    /// </param>
    /// <exception cref="ArgumentException">An option is invalid; the message names each problem.</exception>
    public RecoveryManager(
        IOptionsMonitor<RecoveryOptions> options,
        HealthMonitor monitor,
        IEventHub hub,
        IStateStore store,
        TimeProvider timeProvider,
        IServiceProvider services,
        IEnumerable<HealableComponentRegistration> components,
        IRecoveryApprovalGate? approval = null,
        IEnumerable<IIncidentSink>? sinks = null,
        ILogger<RecoveryManager>? logger = null,
        AdaptiveConfigManager? configuration = null,
        IRecoveryLeases? leases = null)
        : this(options, (IHealthView)monitor, hub, store, timeProvider, services, components, approval, sinks, logger, (IConfigurationVersions?)configuration, leases)
    {
    }

    /// <summary>Creates a manager over the seams it uses (a health view, configuration versions), so it can be tested alone.</summary>
    internal RecoveryManager(
        IOptionsMonitor<RecoveryOptions> options,
        IHealthView monitor,
        IEventHub hub,
        IStateStore store,
        TimeProvider timeProvider,
        IServiceProvider services,
        IEnumerable<HealableComponentRegistration> components,
        IRecoveryApprovalGate? approval,
        IEnumerable<IIncidentSink>? sinks,
        ILogger<RecoveryManager>? logger,
        IConfigurationVersions? configuration,
        IRecoveryLeases? leases)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(components);
        RecoveryOptionsValidator.ThrowIfInvalid(options.CurrentValue);
        _optionsMonitor = options;
        _options = options.CurrentValue.Copy();
        _monitor = monitor;
        _hub = hub;
        _store = store;
        _time = timeProvider;
        _services = services;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _registrations = [.. components];
        foreach (IGrouping<string, HealableComponentRegistration> twice in _registrations.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new ArgumentException($"The healable component '{twice.Key}' is registered {twice.Count()} times; allowed: once.", nameof(components));
        }

        _engine = new RecoveryRunEngine(monitor, timeProvider, () => Options, approval ?? new DenyingApprovalGate(), leases, configuration, this, _work);
        _writer = new StoreWriter(store, Json, (ex, collection, key) => LogStoreFailed(_logger, ex, collection, key));
        IEnumerable<IIncidentSink> all = [new LoggingIncidentSink(_logger), .. sinks ?? []];
        _sinks = [.. all.Select(sink => new SinkQueue<Incident>(
            sink.NotifyAsync,
            (ex, incident, held) => LogSinkFailed(_logger, ex, sink.GetType().Name, incident.Id, held),
            (incident, held) => LogSinkDropped(_logger, sink.GetType().Name, incident.Id, held),
            _time))];
        foreach (RecoveryPlan plan in _options.Plans)
        {
            _plans[(plan.FailureType, plan.Component)] = plan.Copy();
        }
    }

    /// <summary>Gets the incidents not closed yet.</summary>
    public IReadOnlyList<Incident> OpenIncidents
    {
        get
        {
            lock (_gate)
            {
                return [.. _open.Values.Select(r => r.Current).OrderBy(i => i.OpenedAt)];
            }
        }
    }

    /// <summary>Gets the closed incidents kept (the last <see cref="RecoveryOptions.IncidentHistory"/>), oldest first.</summary>
    public IReadOnlyList<Incident> IncidentHistory
    {
        get
        {
            lock (_gate)
            {
                return [.. _closed];
            }
        }
    }

    /// <summary>Gets what has been learned: every (failure type, strategy) tried, ordered by failure type then success rate.</summary>
    public IReadOnlyList<StrategyStatistics> Statistics =>
        [.. _statistics.Values.OrderBy(s => s.FailureType, StringComparer.Ordinal).ThenByDescending(s => s.SuccessRate).ThenBy(s => s.Strategy)];

    /// <summary>Gets the healing level of a healable component, or <see langword="null"/> for an unknown name.</summary>
    /// <param name="component">The component.</param>
    /// <returns>Its level.</returns>
    public HealingLevel? LevelOf(string component) => _registrations.FirstOrDefault(r => r.Name == component)?.Level;

    // The options in force: the latest valid ones (an invalid reload is logged and ignored).
    private RecoveryOptions Options
    {
        get
        {
            try
            {
                RecoveryOptions current = _optionsMonitor.CurrentValue;
                if (!ReferenceEquals(current, _lastSeen))
                {
                    RecoveryOptionsValidator.ThrowIfInvalid(current);
                    _lastSeen = current;
                    _options = current.Copy();
                }
            }
            catch (Exception ex) when (ex is OptionsValidationException or ArgumentException)
            {
                LogInvalidReload(_logger, ex.Message);
            }

            return _options;
        }
    }

    private RecoveryOptions? _lastSeen;

    /// <summary>Adds a plan, or replaces the plan for the same failure type and component.</summary>
    /// <param name="plan">The plan; copied.</param>
    /// <exception cref="ArgumentException">The plan is invalid (the message names each problem).</exception>
    public void AddPlan(RecoveryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Check(nameof(plan)).ThrowIfAny(nameof(plan));
        _plans[(plan.FailureType, plan.Component)] = plan.Copy();
    }

    /// <summary>Removes a plan.</summary>
    /// <param name="failureType">Its failure type.</param>
    /// <param name="component">Its component, or <see langword="null"/> for the plan for every component.</param>
    /// <returns>Whether there was such a plan.</returns>
    public bool RemovePlan(string failureType, string? component = null) => _plans.TryRemove((failureType, component), out _);

    /// <summary>
    /// Selects the plan for a component and failure type: its own plan, else the plan for every component, else
    /// the default plan (restart, then fallback, then escalate), with the strategies reordered by success rate
    /// when the plan allows it, learning is on and the component's level is Advanced or Full.
    /// </summary>
    /// <param name="component">The component.</param>
    /// <param name="failureType">The failure type.</param>
    /// <returns>A copy of the plan, its fallbacks in the order they will be tried.</returns>
    public RecoveryPlan SelectPlan(string component, string failureType)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(failureType);
        RecoveryOptions options = Options;
        RecoveryPlan plan = (_plans.GetValueOrDefault((failureType, component)) ?? _plans.GetValueOrDefault((failureType, null)))?.Copy()
            ?? DefaultPlan(failureType);
        HealingLevel level = LevelOf(component) ?? HealingLevel.Basic;
        if (plan.PreferLearned && options.Learning && level >= HealingLevel.Advanced)
        {
            IReadOnlyList<RecoveryStrategy> planned = plan.Strategies;
            List<RecoveryStrategy> ordered = [.. planned
                .Select((strategy, index) => (strategy, index, stats: _statistics.GetValueOrDefault((failureType, strategy))))
                .OrderByDescending(s => s.strategy != RecoveryStrategy.ManualIntervention)
                .ThenByDescending(s => s.stats is { } known && known.Attempts >= options.MinimumSamplesToLearn ? known.SuccessRate : 0.5)
                .ThenBy(s => s.index)
                .Select(s => s.strategy)];
            plan.Primary = ordered[0];
            plan.Fallbacks.Clear();
            foreach (RecoveryStrategy strategy in ordered.Skip(1))
            {
                plan.Fallbacks.Add(strategy);
            }
        }

        return plan;
    }

    private static RecoveryPlan DefaultPlan(string failureType)
    {
        var plan = new RecoveryPlan { FailureType = failureType, Primary = RecoveryStrategy.Restart };
        plan.Fallbacks.Add(RecoveryStrategy.Fallback);
        plan.Fallbacks.Add(RecoveryStrategy.ManualIntervention);
        return plan;
    }

    private bool HasPlan(string component, string failureType) =>
        _plans.ContainsKey((failureType, component)) || _plans.ContainsKey((failureType, null));

    /// <summary>Starts: loads statistics and incident history from the store, creates the components, and listens to the hub.</summary>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>A task that ends when the manager listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _components = _registrations.ToDictionary(
            r => r.Name,
            HealableTarget.From,
            StringComparer.Ordinal);
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        foreach (SinkQueue<Incident> sink in _sinks)
        {
            sink.Start();
        }

        _subscription = _hub.Subscribe("recovery", e => e is HealthChanged or CircuitStateChanged or AnomalyDetected or BreachPredicted);
        _loop = Task.Run(() => ListenAsync(_subscription), CancellationToken.None);

        // News published before the subscription (a component failing from its first check) is not lost: what
        // the monitor already holds at or above the trigger level starts a recovery too.
        RecoveryOptions options = Options;
        foreach (ComponentHealth component in _monitor.Components.Where(c => c.Level >= options.TriggerLevel))
        {
            Trigger(component.Name, component.Level.ToString(), component.Level, component.AffectedBy, $"{component.Name} is {component.Level} at start: {component.Reason}");
        }
    }

    /// <summary>Stops listening, cancels running recoveries, waits for them, and delivers queued notifications.</summary>
    /// <param name="cancellationToken">When it fires, sinks still delivering are cancelled.</param>
    /// <returns>A task that ends when everything has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 2) != 1)
        {
            return;
        }

        _subscription?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Task[] running;
        lock (_gate)
        {
            running = [.. _runs.Values.Select(r => r.Completion)];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        await Task.WhenAll(_fallbacks.Values).ConfigureAwait(false);
        await CompleteWritesAsync().ConfigureAwait(false);
        await Task.WhenAll(_sinks.Select(s => s.CompleteAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// Stops without waiting (for a container disposed synchronously): listening ends and running recoveries are
    /// cancelled; queued notifications are not delivered. Prefer <see cref="StopAsync"/> or <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _started, 2) == 2)
        {
            return;
        }

        _subscription?.Dispose();
        _stopping.Cancel();
        foreach (SinkQueue<Incident> sink in _sinks)
        {
            _ = sink.CompleteAsync(new CancellationToken(canceled: true));
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Recovery options reloaded with errors; the previous options stay in force: {Errors}")]
    private static partial void LogInvalidReload(ILogger logger, string errors);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "Handling a {EventType} event from {Source} failed; recovery goes on with the next event")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string eventType, string source);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Incident sink {Sink} failed to deliver incident {Id} ({Held} more failures since the last such line, which comes at most once a minute)")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string sink, string id, long held);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Incident sink {Sink} is behind: incident {Id} dropped from its full queue ({Held} more dropped since the last such line, which comes at most once a minute)")]
    private static partial void LogSinkDropped(ILogger logger, string sink, string id, long held);

    private sealed class RecoveryRun(IncidentRecord record)
    {
        private readonly TaskCompletionSource _begun = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IncidentRecord Record { get; } = record;

        public Task Completion { get; set; } = Task.CompletedTask;

        /// <summary>Gets the plan the run was asked to follow, or <see langword="null"/> for the one the manager selects.</summary>
        public RecoveryPlan? Plan { get; init; }

        /// <summary>Gets a task that completes once the trigger has left the manager's lock and traced the opening.</summary>
        public Task Begun => _begun.Task;

        public void Begin() => _begun.TrySetResult();
    }
}
