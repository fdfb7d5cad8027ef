namespace SelfHealing.CircuitBreakers;

/// <summary>A call with fault injection in front of it: the injection runs inside the breaker, so what it does is an outcome.</summary>
/// <typeparam name="TState">The call's state.</typeparam>
/// <typeparam name="TResult">The call's result.</typeparam>
internal readonly record struct FaultyCall<TState, TResult>(
    CallFaults Faults,
    string Target,
    Func<TState, CancellationToken, ValueTask<TResult>> Call,
    TState State)
{
    /// <summary>Runs the injection, then the call unless the injection gave its result.</summary>
    public static readonly Func<FaultyCall<TState, TResult>, CancellationToken, ValueTask<TResult>> Operation = RunAsync;

    private static async ValueTask<TResult> RunAsync(FaultyCall<TState, TResult> call, CancellationToken cancellationToken)
    {
        object? injected = await call.Faults.BeforeCallAsync(call.Target, typeof(TResult), cancellationToken).ConfigureAwait(false);
        return injected is TResult result ? result : await call.Call(call.State, cancellationToken).ConfigureAwait(false);
    }
}
