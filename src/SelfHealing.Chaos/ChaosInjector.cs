using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Recovery;

namespace SelfHealing.Chaos;

/// <summary>
/// Injects faults into the app's breakers (every call through a breaker named as a fault's target), into code that calls
/// <see cref="InjectAsync"/>, and into the process (memory, CPU, thread pool). Registered by <c>AddChaos</c>; off until
/// <see cref="ChaosOptions.Enabled"/> is true. Every fault that starts or stops is announced on the event hub
/// (<see cref="ChaosFaultStarted"/>, <see cref="ChaosFaultStopped"/>).
/// </summary>
public sealed partial class ChaosInjector : IDisposable
{
    internal const string Source = "chaos";

    private readonly Lock _gate = new();
    private readonly IOptionsMonitor<ChaosOptions> _options;
    private readonly IEventHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Seam _seam;
    private readonly IDisposable? _reload;
    private readonly Random _random;
    private readonly List<ActiveChaosFault> _active = [];
    private readonly List<ActiveChaosFault> _standing = [];
    private ActiveChaosFault[] _calls = [];
    private long _nextId;
    private bool _standingStarted;
    private bool _disposed;

    internal ChaosInjector(IOptionsMonitor<ChaosOptions> options, IEventHub hub, TimeProvider timeProvider, ILogger<ChaosInjector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _hub = hub;
        _time = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _seam = new Seam(this);
        _random = options.CurrentValue.Seed is { } seed ? new Random(seed) : new Random();
        _reload = options.OnChange(_ => Reconcile());
    }

    /// <summary>Gets whether faults may be injected now (<see cref="ChaosOptions.Enabled"/>).</summary>
    public bool Enabled => _options.CurrentValue.Enabled;

    /// <summary>Gets the faults being injected, oldest first.</summary>
    public IReadOnlyList<ActiveChaosFault> ActiveFaults
    {
        get
        {
            lock (_gate)
            {
                return [.. _active];
            }
        }
    }

    internal CallFaults CallFaults => _seam;

    internal IHealableInterception Interception => _seam;

    /// <summary>Starts injecting <paramref name="fault"/>.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The active fault; dispose it to stop it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fault"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A property of the fault is out of range; the message names each one.</exception>
    /// <exception cref="InvalidOperationException">Chaos is off (<see cref="ChaosOptions.Enabled"/> is false), or the injector was disposed.</exception>
    public ActiveChaosFault Start(ChaosFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var errors = new OptionErrors("fault");
        fault.Check(errors);
        errors.ThrowIfAny(nameof(fault));
        if (!Enabled)
        {
            throw new InvalidOperationException(
                $"Chaos is off, so the fault '{fault}' was not injected: set {ChaosOptionsValidator.Section}:{nameof(ChaosOptions.Enabled)} (ChaosOptions.Enabled) to true first.");
        }

        return Begin(fault, standing: false) ?? throw new ObjectDisposedException(nameof(ChaosInjector));
    }

    /// <summary>Stops every active fault.</summary>
    /// <returns>How many were stopped.</returns>
    public int StopAll() => StopWhere(static _ => true, ChaosStopReason.Stopped);

    /// <summary>
    /// Tells the injector that <paramref name="target"/> was restarted, which ends its <see cref="ChaosFaultKind.ComponentDown"/>
    /// faults. The recovery manager's restarts of healable components call it already; call it when the app restarts a
    /// target by other means.
    /// </summary>
    /// <param name="target">The restarted component.</param>
    /// <returns>How many faults ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    public int Restarted(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return StopWhere(f => f.Fault.Kind == ChaosFaultKind.ComponentDown && string.Equals(f.Fault.Target, target, StringComparison.Ordinal), ChaosStopReason.Restarted);
    }

    /// <summary>
    /// Applies the active call faults on <paramref name="target"/> to a call the app makes outside a breaker: waits out
    /// latency, hangs for a timeout fault, throws <see cref="ChaosException"/> for an exception, error result or dead
    /// component; returns at once when none is active.
    /// </summary>
    /// <param name="target">The target the faults name.</param>
    /// <param name="cancellationToken">Cancels a delay or a hang.</param>
    /// <returns>A task that completes when the call may go on.</returns>
    /// <exception cref="ChaosException">A fault hit the call.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while a fault delayed the call.</exception>
    public ValueTask InjectAsync(string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!_seam.IsArmed)
        {
            return ValueTask.CompletedTask;
        }

        ValueTask<object?> pending;
        try
        {
            pending = BeforeCallAsync(target, typeof(void), cancellationToken);
        }
        catch (ChaosException injected)
        {
            return ValueTask.FromException(injected); // as a faulted task, like any asynchronous failure
        }

        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(pending.AsTask());
    }

    /// <summary>Stops every fault and no longer listens to option changes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _reload?.Dispose();
        StopWhere(static _ => true, ChaosStopReason.Disposed, evenDisposed: true);
    }

    /// <summary>Starts the standing faults of the options when chaos is on; called when the host starts.</summary>
    internal void StartStanding()
    {
        lock (_gate)
        {
            _standingStarted = true;
        }

        Reconcile();
    }

    internal bool Stop(ActiveChaosFault fault, ChaosStopReason reason) => StopWhere(f => ReferenceEquals(f, fault), reason) > 0;

    // Brings the standing faults in line with the options: all of them stop when chaos is switched off (the kill switch,
    // which stops every other fault too), and the configured ones start again when the list changes.
    private void Reconcile()
    {
        ChaosOptions options = _options.CurrentValue;
        if (!options.Enabled)
        {
            StopWhere(static _ => true, ChaosStopReason.Disabled);
            return;
        }

        bool start;
        lock (_gate)
        {
            start = _standingStarted && !_disposed;
        }

        if (!start)
        {
            return;
        }

        StopWhere(f => _standing.Contains(f), ChaosStopReason.Stopped);
        foreach (ChaosFault fault in options.Faults)
        {
            Begin(fault, standing: true);
        }
    }

    private ActiveChaosFault? Begin(ChaosFault fault, bool standing)
    {
        ActiveChaosFault active;
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            string id = "chaos-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
            active = new ActiveChaosFault(this, id, fault, _time.GetUtcNow(), _time.GetTimestamp());
            _active.Add(active);
            if (standing)
            {
                _standing.Add(active);
            }

            if (fault.ActsOnCalls)
            {
                _calls = [.. _calls, active];
                _seam.Arm(true);
            }
        }

        active.Work = ProcessFaults.Start(active, _time);
        if (fault.Duration is { } duration)
        {
            active.Expiry = _time.CreateTimer(static state => ((ActiveChaosFault)state!).Expire(), active, duration, Timeout.InfiniteTimeSpan);
        }

        LogStarted(_logger, active.Id, fault.ToString());
        _hub.Publish(new ChaosFaultStarted(Source, active.StartedAt, active.Id, fault));
        if (!active.IsActive)
        {
            active.Release(); // stopped while its work was starting
        }

        return active;
    }

    internal void Expire(ActiveChaosFault fault) => StopWhere(f => ReferenceEquals(f, fault), ChaosStopReason.Expired);

    private int StopWhere(Func<ActiveChaosFault, bool> which, ChaosStopReason reason, bool evenDisposed = false)
    {
        List<ActiveChaosFault> stopped;
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_disposed && !evenDisposed)
            {
                return 0;
            }

            stopped = [.. _active.Where(which)];
            if (stopped.Count == 0)
            {
                return 0;
            }

            foreach (ActiveChaosFault fault in stopped)
            {
                fault.MarkStopped(now, reason);
                _active.Remove(fault);
                _standing.Remove(fault);
            }

            _calls = [.. _calls.Where(f => f.IsActive)];
            _seam.Arm(_calls.Length > 0);
        }

        foreach (ActiveChaosFault fault in stopped)
        {
            fault.Release();
            string description = fault.Fault.ToString();
            LogStopped(_logger, fault.Id, description, reason);
            _hub.Publish(new ChaosFaultStopped(Source, now, fault.Id, fault.Fault, reason));
        }

        return stopped.Count;
    }

    [LoggerMessage(EventId = 10001, Level = LogLevel.Warning, Message = "Chaos: injecting fault {FaultId}: {Fault}")]
    private static partial void LogStarted(ILogger logger, string faultId, string fault);

    [LoggerMessage(EventId = 10002, Level = LogLevel.Information, Message = "Chaos: fault {FaultId} ({Fault}) stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string faultId, string fault, ChaosStopReason reason);

    /// <summary>The core's seam: breakers ask it before their calls, recovery wraps healable components with it.</summary>
    private sealed class Seam(ChaosInjector injector) : CallFaults, IHealableInterception
    {
        public void Arm(bool armed) => SetArmed(armed);

        public override ValueTask<object?> BeforeCallAsync(string target, Type resultType, CancellationToken cancellationToken) =>
            injector.BeforeCallAsync(target, resultType, cancellationToken);

        public IHealableComponent Wrap(string name, IHealableComponent component) =>
            new ChaosHealableComponent(name, component, injector);
    }
}
