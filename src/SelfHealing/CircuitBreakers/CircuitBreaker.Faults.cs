using System.Runtime.CompilerServices;

namespace SelfHealing.CircuitBreakers;

/// <summary>Fault injection (SelfHealing.Chaos): asked before each admitted call while any call fault is armed.</summary>
public sealed partial class CircuitBreaker
{
    /// <summary>Gets or sets the fault injection breakers ask before each call while it is armed; none without SelfHealing.Chaos.</summary>
    internal CallFaults? Faults { get; init; }

    // Out of line, so the path without faults keeps one inlined copy of the call and its small frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<CircuitBreakerResult<TResult>> RunWithFaults<TState, TResult>(
        CallFaults faults,
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        long word,
        long started,
        CircuitBreakerSettings settings,
        CancellationToken cancellationToken) =>
        Run(FaultyCall<TState, TResult>.Operation, new FaultyCall<TState, TResult>(faults, Name, operation, state), word, started, settings, cancellationToken);
}
