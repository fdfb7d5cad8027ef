using System.Diagnostics.CodeAnalysis;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// A fallback that answers with the last value a call returned successfully. Made by
/// <see cref="Fallback.LastGoodValue{TResult}(Fallback{TResult}, TimeSpan?)"/>; thread-safe.
/// </summary>
/// <typeparam name="TResult">The type of the value.</typeparam>
public sealed class LastGoodValueFallback<TResult> : Fallback<TResult>
{
    private readonly Lock _gate = new();
    private readonly Fallback<TResult>? _otherwise;
    private readonly long _maxAgeTicks;
    private TResult _value = default!;
    private long _storedAt;
    private bool _hasValue;

    internal LastGoodValueFallback(Fallback<TResult>? otherwise, TimeSpan? maxAge)
    {
        _otherwise = otherwise;
        MaxAge = maxAge;
        _maxAgeTicks = maxAge?.Ticks ?? 0;
    }

    /// <summary>Gets how long a cached value may be served, or <see langword="null"/> for no limit.</summary>
    public TimeSpan? MaxAge { get; }

    /// <summary>Gets a value indicating whether a good value has been cached.</summary>
    public bool HasValue
    {
        get
        {
            lock (_gate)
            {
                return _hasValue;
            }
        }
    }

    internal override bool ObservesSuccess => true;

    /// <summary>Gets the cached value, whatever its age.</summary>
    /// <param name="value">The cached value.</param>
    /// <returns><see langword="true"/> when a value is cached.</returns>
    public bool TryGetCachedValue([MaybeNullWhen(false)] out TResult value)
    {
        lock (_gate)
        {
            value = _value;
            return _hasValue;
        }
    }

    internal override void OnSuccess(TResult value, TimeProvider time)
    {
        long now = _maxAgeTicks > 0 ? time.GetTimestamp() : 0;
        lock (_gate)
        {
            _value = value;
            _storedAt = now;
            _hasValue = true;
        }
    }

    internal override bool TryProvide(in FallbackArguments arguments, TimeProvider time, CancellationToken cancellationToken, out ValueTask<TResult> answer)
    {
        lock (_gate)
        {
            if (_hasValue && (_maxAgeTicks == 0 || time.GetElapsedTime(_storedAt).Ticks <= _maxAgeTicks))
            {
                answer = new ValueTask<TResult>(_value);
                return true;
            }
        }

        if (_otherwise is not null)
        {
            return _otherwise.TryProvide(arguments, time, cancellationToken, out answer);
        }

        answer = default;
        return false;
    }
}
