using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SelfHealing.CircuitBreakers.Health;
using SelfHealing.Events;
using SelfHealing.Telemetry;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// A circuit breaker: it counts failures and slow calls in a sliding window, opens when their ratio crosses
/// the threshold, rejects calls while open, lets a limited number of probes through when the break elapses,
/// and closes again when enough of them succeed.
/// </summary>
/// <remarks>
/// <para>
/// The closed path takes no lock and allocates nothing: the state is one 64-bit word read once per call, and
/// outcomes go to a lock-free ring of buckets. Transitions (rare) take a lock, publish a
/// <see cref="CircuitStateChanged"/> event and invoke <see cref="CircuitBreakerOptions.OnStateChanged"/>.
/// </para>
/// <para>
/// The move from <see cref="CircuitState.Open"/> to <see cref="CircuitState.HalfOpen"/> is made by a timer of the
/// breaker's <see cref="TimeProvider"/> when the break elapses, so a rejection does not even read the clock.
/// </para>
/// </remarks>
public sealed partial class CircuitBreaker : IDisposable, ICircuitStateSource
{
    /// <summary>The prefix of a breaker's event source and health check name: <c>circuit-breaker:{name}</c>.</summary>
    internal const string SourcePrefix = "circuit-breaker:";

    private const long StateMask = 7;
    private const int StateBits = 3;
    private const long AnyWord = -1;
    private const int ProbeCountBits = 20;
    private const long ProbeCountMask = (1L << ProbeCountBits) - 1;

    /// <summary>The "value" of an operation that returns none; internal, so no result classifier can apply to it.</summary>
    private readonly struct NoResult;

    private static readonly string[] StateTagValues = ["closed", "open", "half-open", "isolated", "disabled"];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly ILogger _logger;
    private readonly SelfHealingInstrumentation _instrumentation;
    private readonly System.Diagnostics.Metrics.Histogram<double> _callDuration;
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly LogThrottle _classifierLog;
    private readonly string _source;

    private CircuitBreakerSettings _settings;
    private HealthWindow _window;
    private AdaptiveBaseline? _baseline;

    // Bits 0-2: the CircuitState; bits 3-63: a generation that grows on every transition, so an outcome can
    // tell whether the state it was admitted in still stands.
    private long _word;

    // Half-open bookkeeping, each tagged with the generation it belongs to.
    private long _probeAdmissions; // (uint)generation << 32 | admitted
    private long _probeResults;    // (generation & 0xFFFFFF) << 40 | successes << 20 | failures
    private int _probeLimit;
    private int _probeSuccessesNeeded;

    private ITimer? _breakTimer;
    private long _openWord;
    private long _openUntil;
    private int _consecutiveOpenings;
    private long _failuresInRow;
    private DateTimeOffset? _lastTransition;
    private bool _disposed;

    /// <summary>Creates a breaker.</summary>
    /// <param name="name">The breaker's name: letters, digits, '-', '_', '.' and '/', at most 128 characters.</param>
    /// <param name="options">The options; they are copied, so later changes to the object have no effect (use <see cref="UpdateOptions"/>).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="eventHub">Where state changes are published, if anywhere.</param>
    /// <param name="logger">Where transitions are logged.</param>
    /// <exception cref="ArgumentException">The name or an option is invalid; the message names each problem.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public CircuitBreaker(string name, CircuitBreakerOptions options, TimeProvider? timeProvider = null, IEventHub? eventHub = null, ILogger? logger = null)
        : this(name, options, timeProvider, eventHub, logger, SelfHealingInstrumentation.Shared)
    {
    }

    internal CircuitBreaker(string name, CircuitBreakerOptions options, TimeProvider? timeProvider, IEventHub? eventHub, ILogger? logger, SelfHealingInstrumentation instrumentation)
    {
        ComponentNames.ThrowIfInvalid(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(name, options);
        Name = name;
        _source = SourcePrefix + name;
        _time = timeProvider ?? TimeProvider.System;
        _hub = eventHub;
        _logger = logger ?? NullLogger.Instance;
        _instrumentation = instrumentation;
        _callDuration = instrumentation.CircuitCallDuration;
        _nameTag = new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, name);
        _classifierLog = new LogThrottle(_time, LogThrottle.DefaultInterval);
        _settings = new CircuitBreakerSettings(options, _time);
        _window = HealthWindow.Create(_settings, _time);
        ConfigureBaseline(_settings, _window);
        instrumentation.Track(this);
    }

    /// <summary>Gets the breaker's name.</summary>
    public string Name { get; }

    /// <summary>Gets the current state.</summary>
    public CircuitState State => StateOf(Volatile.Read(ref _word));

    /// <summary>Gets the failure ratio (errors and timeouts over calls) in the current window; 0 when it is empty.</summary>
    public double FailureRate => ReadWindow().FailureRatio;

    /// <summary>Gets the failure ratio that would open the circuit now: the adaptive threshold when enabled and warmed up, else <see cref="CircuitBreakerOptions.FailureRatio"/>.</summary>
    public double FailureThreshold => CurrentThreshold(Volatile.Read(ref _settings));

    /// <summary>Gets when the state last changed, or <see langword="null"/> if it never did.</summary>
    public DateTimeOffset? LastTransitionTime
    {
        get
        {
            lock (_gate)
            {
                return _lastTransition;
            }
        }
    }

    /// <summary>Gets what the breaker's health checks report while it is open or isolated (<see cref="CircuitBreakerOptions.HealthWhenOpen"/>).</summary>
    internal Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus HealthWhenOpen => Volatile.Read(ref _settings).HealthWhenOpen;

    /// <summary>Gets the state and the current window's counts in one read.</summary>
    /// <returns>The snapshot.</returns>
    public CircuitBreakerSnapshot GetSnapshot()
    {
        WindowCounts counts = ReadWindow();
        return new CircuitBreakerSnapshot(Name, State, counts.Total, counts.Failures, counts.Slow, counts.FailureRatio, counts.SlowRatio, FailureThreshold, LastTransitionTime);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker and reports what happened without throwing:
    /// a rejection or a failure is a value of the result, not an exception.
    /// </summary>
    /// <typeparam name="TState">The type of the state passed to the operation, so it needs no closure.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>; a cancellation by it is not counted as a failure.</param>
    /// <returns>The result; it completes synchronously when the operation does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    public ValueTask<CircuitBreakerResult<TResult>> ExecuteAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (cancellationToken.IsCancellationRequested)
        {
            CountCall(CallOutcome.Ignored);
            return new(CircuitBreakerResult<TResult>.Failed(new OperationCanceledException(cancellationToken), CallOutcome.Ignored));
        }

        long word = Volatile.Read(ref _word);
        if ((word & StateMask) != (long)CircuitState.Closed && !TryAdmit(ref word))
        {
            CountRejection(word);
            return new(CircuitBreakerResult<TResult>.Rejected(this, StateOf(word)));
        }

        CircuitBreakerSettings settings = Volatile.Read(ref _settings);
        long started = settings.TracksDuration || _callDuration.Enabled ? _time.GetTimestamp() : 0;
        if (Faults is { IsArmed: true } faults)
        {
            return RunWithFaults(faults, operation, state, word, started, settings, cancellationToken);
        }

        return Run(operation, state, word, started, settings, cancellationToken);
    }

    // The admitted call, with or without its timeout.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<CircuitBreakerResult<TResult>> Run<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        long word,
        long started,
        CircuitBreakerSettings settings,
        CancellationToken cancellationToken)
    {
        if (settings.Timeout is { } timeout)
        {
            return ExecuteWithTimeoutAsync(operation, state, word, started, settings, timeout, cancellationToken);
        }

        ValueTask<TResult> pending;
        try
        {
            pending = operation(state, cancellationToken);
        }
#pragma warning disable CA1031 // Every exception of the protected call is an outcome to classify.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new(CompleteWithException<TResult>(exception, word, started, settings, cancellationToken));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return new(CompleteWithValue(pending.Result, word, started, settings));
        }

        return AwaitOutcomeAsync(pending, word, started, settings, cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> through the breaker and reports what happened without throwing.</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>; a cancellation by it is not counted as a failure.</param>
    /// <returns>The result; it completes synchronously when the operation does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<CircuitBreakerResult<TResult>> ExecuteAsync<TResult>(
        Func<CancellationToken, ValueTask<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(static (op, ct) => op(ct), operation, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker, Polly style: returns its value, rethrows its
    /// exception, and throws <see cref="BrokenCircuitException"/> (or <see cref="IsolatedCircuitException"/>)
    /// when the call is rejected.
    /// </summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>The operation's value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    public ValueTask<TResult> ExecuteOrThrowAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ValueTask<CircuitBreakerResult<TResult>> pending = ExecuteAsync(operation, state, cancellationToken);
        return pending.IsCompletedSuccessfully ? ToValueTask(pending.Result) : AwaitOrThrowAsync(pending);
    }

    /// <summary>Runs <paramref name="operation"/> through the breaker, Polly style (see the state-passing overload).</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>The operation's value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    public ValueTask<TResult> ExecuteOrThrowAsync<TResult>(
        Func<CancellationToken, ValueTask<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (op, ct) => op(ct), operation, cancellationToken);
    }

    /// <summary>
    /// Runs an operation that returns no value through the breaker, Polly style: completes when it does,
    /// rethrows its exception, and throws <see cref="BrokenCircuitException"/> (or
    /// <see cref="IsolatedCircuitException"/>) when the call is rejected.
    /// </summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>A task that completes with the operation; it completes synchronously when the operation does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    public ValueTask ExecuteOrThrowAsync<TState>(
        Func<TState, CancellationToken, ValueTask> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ValueTask<CircuitBreakerResult<NoResult>> pending = ExecuteAsync(
            static async (s, ct) =>
            {
                await s.Operation(s.State, ct).ConfigureAwait(false);
                return default(NoResult);
            },
            (Operation: operation, State: state),
            cancellationToken);
        return pending.IsCompletedSuccessfully ? ToValueTask(pending.Result) : AwaitVoidOrThrowAsync(pending);
    }

    /// <summary>Runs an operation that returns no value through the breaker, Polly style (see the state-passing overload).</summary>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>A task that completes with the operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    public ValueTask ExecuteOrThrowAsync(Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (op, ct) => op(ct), operation, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker; when it fails or is rejected,
    /// <paramref name="fallback"/> answers instead. A cancellation by <paramref name="cancellationToken"/> is not
    /// answered by the fallback; it surfaces as <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="fallback">What answers instead; when it has no answer (an empty last-good-value cache with nothing behind it) the failure surfaces as with <see cref="ExecuteOrThrowAsync{TState, TResult}(Func{TState, CancellationToken, ValueTask{TResult}}, TState, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/> and to the fallback.</param>
    /// <returns>The operation's value or the fallback's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> or <paramref name="fallback"/> is <see langword="null"/>.</exception>
    public ValueTask<TResult> ExecuteWithFallbackAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        Fallback<TResult> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        ValueTask<CircuitBreakerResult<TResult>> pending = ExecuteAsync(operation, state, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? Resolve(pending.Result, fallback, cancellationToken)
            : AwaitWithFallbackAsync(pending, fallback, cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> through the breaker with a fallback (see the state-passing overload).</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="fallback">What answers instead.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/> and to the fallback.</param>
    /// <returns>The operation's value or the fallback's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> or <paramref name="fallback"/> is <see langword="null"/>.</exception>
    public ValueTask<TResult> ExecuteWithFallbackAsync<TResult>(
        Func<CancellationToken, ValueTask<TResult>> operation,
        Fallback<TResult> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteWithFallbackAsync(static (op, ct) => op(ct), operation, fallback, cancellationToken);
    }

    /// <summary>Closes the circuit and forgets the window's counts and the backoff; ends isolation and disabling.</summary>
    public void Reset() => Transition(AnyWord, CircuitState.Closed, CircuitTransitionCause.Reset, 0, default);

    /// <summary>Forces the circuit open until <see cref="Reset"/>: every call is rejected.</summary>
    public void Isolate() => Transition(AnyWord, CircuitState.Isolated, CircuitTransitionCause.Isolated, ReadWindow().FailureRatio, default);

    /// <summary>Lets every call through until <see cref="Reset"/>; outcomes are still recorded, but the circuit never opens.</summary>
    public void Disable() => Transition(AnyWord, CircuitState.Disabled, CircuitTransitionCause.Disabled, ReadWindow().FailureRatio, default);

    /// <summary>
    /// Takes new options while keeping the state and the window's counts. When the window's shape changes
    /// (kind, size, bucket count or duration), the counts of the old window are carried into the new one.
    /// </summary>
    /// <param name="options">The new options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the breaker keeps its previous options.</exception>
    public void UpdateOptions(CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(Name, options);
        var settings = new CircuitBreakerSettings(options, _time);
        lock (_gate)
        {
            HealthWindow previousWindow = _window;
            HealthWindow window = previousWindow;
            if (!window.HasShape(settings))
            {
                window = HealthWindow.Create(settings, _time);
                window.Seed(previousWindow.Read());
            }

            AdaptiveBaseline? previous = _baseline;
            Volatile.Write(ref _settings, settings);
            ConfigureBaseline(settings, window, previous);
            Volatile.Write(ref _window, window);
            if (!ReferenceEquals(window, previousWindow))
            {
                previousWindow.Dispose();
            }

            LogOptionsUpdated(_logger, Name, State);
        }
    }

    /// <summary>Stops the break timer. Calls still work; an open circuit then stays open until <see cref="Reset"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _breakTimer?.Dispose();
            _breakTimer = null;
            _window.Dispose();
        }
    }

    internal BrokenCircuitException CreateRejectionException(CircuitState state)
    {
        if (state == CircuitState.Isolated)
        {
            return IsolatedCircuitException.For(Name);
        }

        return new BrokenCircuitException(Name, state, RetryAfter(state));
    }

    /// <summary>How long until an open circuit lets probes through; <see langword="null"/> in any other state.</summary>
    internal TimeSpan? RetryAfter(CircuitState state)
    {
        if (state != CircuitState.Open)
        {
            return null;
        }

        long remaining = Volatile.Read(ref _openUntil) - _time.GetTimestamp();
        return remaining > 0 ? TimeSpan.FromTicks(ToTicksRoundedUp(remaining, _time.TimestampFrequency)) : TimeSpan.Zero;
    }

    private static CircuitState StateOf(long word) => (CircuitState)(word & StateMask);

    int ICircuitStateSource.StateValue => (int)State;

    long ICircuitStateSource.CallCount(int outcome) => _callCounts.Read(outcome);
}
