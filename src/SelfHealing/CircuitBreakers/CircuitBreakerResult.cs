using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// The result of a call through <see cref="CircuitBreaker.ExecuteAsync{TState, TResult}(Func{TState, CancellationToken, ValueTask{TResult}}, TState, CancellationToken)"/>:
/// a success with its value, a failure with its exception (or with a value classified as a failure), or a
/// rejection. A rejection costs no exception.
/// </summary>
/// <typeparam name="TResult">The type of the call's value.</typeparam>
public readonly struct CircuitBreakerResult<TResult>
{
    private readonly TResult _value;
    private const int OutcomeShift = 2;
    private const int StateShift = 4;
    private const int HasValueBit = 0x80;

    private readonly object? _detail; // the exception of a failure, or the breaker of a rejection

    // Bits 0-1 status, 2-3 outcome, 4-6 rejecting state, 7 has-value: one byte keeps the struct (and the
    // ValueTask around it) small, which the rejected path pays for in copies.
    private readonly byte _bits;

    private CircuitBreakerResult(CircuitBreakerResultStatus status, CallOutcome outcome, TResult value, bool hasValue, object? detail, CircuitState rejectedBy)
    {
        _value = value;
        _detail = detail;
        _bits = (byte)((int)status | ((int)outcome << OutcomeShift) | ((int)rejectedBy << StateShift) | (hasValue ? HasValueBit : 0));
    }

    /// <summary>Gets what happened to the call.</summary>
    public CircuitBreakerResultStatus Status => (CircuitBreakerResultStatus)(_bits & 3);

    /// <summary>Gets how the breaker counted the call (<see cref="CallOutcome.Ignored"/> for a rejection).</summary>
    public CallOutcome Outcome => (CallOutcome)((_bits >> OutcomeShift) & 3);

    /// <summary>Gets a value indicating whether the call ran and succeeded.</summary>
    public bool IsSuccess => Status == CircuitBreakerResultStatus.Success;

    /// <summary>Gets a value indicating whether the call ran and failed.</summary>
    public bool IsFailure => Status == CircuitBreakerResultStatus.Failure;

    /// <summary>Gets a value indicating whether the call was rejected without running.</summary>
    public bool IsRejected => Status == CircuitBreakerResultStatus.Rejected;

    /// <summary>Gets a value indicating whether the call produced a value (a success, or a value classified as a failure).</summary>
    public bool HasValue => (_bits & HasValueBit) != 0;

    /// <summary>Gets the call's value.</summary>
    /// <exception cref="InvalidOperationException">The call produced no value (<see cref="HasValue"/> is false).</exception>
    public TResult Value => HasValue ? _value : throw new InvalidOperationException($"The call produced no value: its status is {Status}.");

    /// <summary>Gets the exception the call threw, or <see langword="null"/>.</summary>
    public Exception? Exception => _detail as Exception;

    /// <summary>Gets the state that rejected the call, or <see langword="null"/> when the call ran.</summary>
    public CircuitState? RejectedState => IsRejected ? RejectingState : null;

    private CircuitState RejectingState => (CircuitState)((_bits >> StateShift) & 7);

    /// <summary>Gets the breaker that rejected the call, for a rejection.</summary>
    internal CircuitBreaker? Breaker => _detail as CircuitBreaker;

    /// <summary>Gets the value when there is one.</summary>
    /// <param name="value">The value, or the default of <typeparamref name="TResult"/>.</param>
    /// <returns><see langword="true"/> when the call produced a value.</returns>
    public bool TryGetValue([MaybeNullWhen(false)] out TResult value)
    {
        value = _value;
        return HasValue;
    }

    /// <summary>Gets the value of a successful call, or <paramref name="fallback"/> otherwise.</summary>
    /// <param name="fallback">The value to use when the call did not succeed.</param>
    /// <returns>The value or the fallback.</returns>
    public TResult GetValueOrDefault(TResult fallback) => IsSuccess ? _value : fallback;

    /// <summary>
    /// Gets the value, or throws: the call's own exception (with its original stack trace) for a failure,
    /// <see cref="BrokenCircuitException"/> or <see cref="IsolatedCircuitException"/> for a rejection. A value
    /// classified as a failure is returned, as Polly does.
    /// </summary>
    /// <returns>The value.</returns>
    public TResult GetValueOrThrow()
    {
        if (HasValue)
        {
            return _value;
        }

        if (_detail is Exception exception)
        {
            ExceptionDispatchInfo.Throw(exception);
        }

        throw Breaker!.CreateRejectionException(RejectingState);
    }

    /// <inheritdoc />
    public override string ToString() => Status switch
    {
        CircuitBreakerResultStatus.Success => $"Success({_value})",
        CircuitBreakerResultStatus.Failure => HasValue ? $"Failure({Outcome}, value {_value})" : $"Failure({Outcome}, {Exception?.GetType().Name})",
        _ => $"Rejected({RejectingState})",
    };

    internal static CircuitBreakerResult<TResult> Success(TResult value, CallOutcome outcome) =>
        new(CircuitBreakerResultStatus.Success, outcome, value, true, null, default);

    internal static CircuitBreakerResult<TResult> FailedWithValue(TResult value, CallOutcome outcome) =>
        new(CircuitBreakerResultStatus.Failure, outcome, value, true, null, default);

    internal static CircuitBreakerResult<TResult> Failed(Exception exception, CallOutcome outcome) =>
        new(CircuitBreakerResultStatus.Failure, outcome, default!, false, exception, default);

    internal static CircuitBreakerResult<TResult> Rejected(CircuitBreaker breaker, CircuitState state) =>
        new(CircuitBreakerResultStatus.Rejected, CallOutcome.Ignored, default!, false, breaker, state);
}
