using System.Runtime.CompilerServices;

namespace SelfHealing.CircuitBreakers;

// The same calls for operations that return Task or Task<T> (most .NET APIs do), so that an ordinary
// `ct => client.GetStringAsync(url, ct)` compiles. They rank below the ValueTask overloads: a lambda that fits both
// (async, or one that only throws) binds where it always did, allocation-free on the synchronous path.
public sealed partial class CircuitBreaker
{
    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker and reports what happened without throwing.</summary>
    /// <typeparam name="TState">The type of the state passed to the operation, so it needs no closure.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>; a cancellation by it is not counted as a failure.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<CircuitBreakerResult<TResult>> ExecuteAsync<TState, TResult>(
        Func<TState, CancellationToken, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(static (s, ct) => new ValueTask<TResult>(s.Operation(s.State, ct)), (Operation: operation, State: state), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker and reports what happened without throwing.</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>; a cancellation by it is not counted as a failure.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<CircuitBreakerResult<TResult>> ExecuteAsync<TResult>(
        Func<CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(static (op, ct) => new ValueTask<TResult>(op(ct)), operation, cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker, Polly style (see the <see cref="ValueTask{TResult}"/> overload).</summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>The operation's value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<TResult> ExecuteOrThrowAsync<TState, TResult>(
        Func<TState, CancellationToken, Task<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (s, ct) => new ValueTask<TResult>(s.Operation(s.State, ct)), (Operation: operation, State: state), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker, Polly style (see the <see cref="ValueTask{TResult}"/> overload).</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>The operation's value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<TResult> ExecuteOrThrowAsync<TResult>(
        Func<CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (op, ct) => new ValueTask<TResult>(op(ct)), operation, cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning operation that has no value through the breaker, Polly style.</summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>A task that completes with the operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask ExecuteOrThrowAsync<TState>(
        Func<TState, CancellationToken, Task> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (s, ct) => new ValueTask(s.Operation(s.State, ct)), (Operation: operation, State: state), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning operation that has no value through the breaker, Polly style.</summary>
    /// <param name="operation">The call to protect.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>A task that completes with the operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask ExecuteOrThrowAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteOrThrowAsync(static (op, ct) => new ValueTask(op(ct)), operation, cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker with a fallback (see the <see cref="ValueTask{TResult}"/> overload).</summary>
    /// <typeparam name="TState">The type of the state passed to the operation.</typeparam>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="fallback">What answers instead.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/> and to the fallback.</param>
    /// <returns>The operation's value or the fallback's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> or <paramref name="fallback"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<TResult> ExecuteWithFallbackAsync<TState, TResult>(
        Func<TState, CancellationToken, Task<TResult>> operation,
        TState state,
        Fallback<TResult> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteWithFallbackAsync(static (s, ct) => new ValueTask<TResult>(s.Operation(s.State, ct)), (Operation: operation, State: state), fallback, cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning operation through the breaker with a fallback (see the <see cref="ValueTask{TResult}"/> overload).</summary>
    /// <typeparam name="TResult">The type of the operation's value.</typeparam>
    /// <param name="operation">The call to protect.</param>
    /// <param name="fallback">What answers instead.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/> and to the fallback.</param>
    /// <returns>The operation's value or the fallback's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> or <paramref name="fallback"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(-1)]
    public ValueTask<TResult> ExecuteWithFallbackAsync<TResult>(
        Func<CancellationToken, Task<TResult>> operation,
        Fallback<TResult> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteWithFallbackAsync(static (op, ct) => new ValueTask<TResult>(op(ct)), operation, fallback, cancellationToken);
    }
}
