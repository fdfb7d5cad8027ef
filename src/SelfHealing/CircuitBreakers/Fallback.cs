namespace SelfHealing.CircuitBreakers;

/// <summary>
/// What answers instead when a call fails or is rejected; used with
/// <see cref="CircuitBreaker.ExecuteWithFallbackAsync{TState, TResult}(Func{TState, CancellationToken, ValueTask{TResult}}, TState, Fallback{TResult}, CancellationToken)"/>.
/// Create one once (for example in a static field) and reuse it; a last-good-value fallback
/// keeps its cache in the instance. Made by the factory methods of <see cref="Fallback"/>.
/// </summary>
/// <typeparam name="TResult">The type of the value.</typeparam>
public abstract class Fallback<TResult>
{
    private protected Fallback()
    {
    }

    /// <summary>Gets a value indicating whether successful values must be reported to <see cref="OnSuccess"/>.</summary>
    internal virtual bool ObservesSuccess => false;

    /// <summary>Told of each successful value.</summary>
    internal virtual void OnSuccess(TResult value, TimeProvider time)
    {
    }

    /// <summary>Provides the answer, or returns false when it has none.</summary>
    internal abstract bool TryProvide(in FallbackArguments arguments, TimeProvider time, CancellationToken cancellationToken, out ValueTask<TResult> answer);

    internal sealed class ValueFallback(TResult value) : Fallback<TResult>
    {
        internal override bool TryProvide(in FallbackArguments arguments, TimeProvider time, CancellationToken cancellationToken, out ValueTask<TResult> answer)
        {
            answer = new ValueTask<TResult>(value);
            return true;
        }
    }

    internal sealed class DelegateFallback(Func<FallbackArguments, CancellationToken, ValueTask<TResult>> factory) : Fallback<TResult>
    {
        internal override bool TryProvide(in FallbackArguments arguments, TimeProvider time, CancellationToken cancellationToken, out ValueTask<TResult> answer)
        {
            answer = factory(arguments, cancellationToken);
            return true;
        }
    }
}

/// <summary>Factory methods for <see cref="Fallback{TResult}"/>.</summary>
public static class Fallback
{
    /// <summary>A fixed value.</summary>
    /// <typeparam name="TResult">The type of the value.</typeparam>
    /// <param name="value">The value to answer with.</param>
    /// <returns>The fallback.</returns>
    public static Fallback<TResult> FromValue<TResult>(TResult value) => new Fallback<TResult>.ValueFallback(value);

    /// <summary>A delegate that computes the answer (for example from a cache or a secondary service).</summary>
    /// <typeparam name="TResult">The type of the value.</typeparam>
    /// <param name="factory">The delegate; it receives why it is called.</param>
    /// <returns>The fallback.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public static Fallback<TResult> FromDelegate<TResult>(Func<FallbackArguments, CancellationToken, ValueTask<TResult>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Fallback<TResult>.DelegateFallback(factory);
    }

    /// <summary>
    /// The last value a call through the breaker returned successfully (a cached fallback). While there is
    /// none yet, or it is older than <paramref name="maxAge"/>, <paramref name="otherwise"/> answers; without it
    /// the failure is passed on as the throwing API would.
    /// </summary>
    /// <typeparam name="TResult">The type of the value.</typeparam>
    /// <param name="otherwise">The fallback to use when no good value is cached.</param>
    /// <param name="maxAge">How long a cached value may be served, or <see langword="null"/> for no limit.</param>
    /// <returns>The fallback.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is not positive.</exception>
    public static LastGoodValueFallback<TResult> LastGoodValue<TResult>(Fallback<TResult>? otherwise = null, TimeSpan? maxAge = null)
    {
        if (maxAge is { } age)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero, nameof(maxAge));
        }

        return new LastGoodValueFallback<TResult>(otherwise, maxAge);
    }
}
