namespace SelfHealing.Metrics;

/// <summary>A running measurement of a <see cref="MetricTimer"/>; records once, when stopped or disposed.</summary>
public struct MetricTimerScope : IDisposable, IEquatable<MetricTimerScope>
{
    private readonly MetricTimer? _timer;
    private readonly long _started;
    private bool _stopped;

    internal MetricTimerScope(MetricTimer timer, long started)
    {
        _timer = timer;
        _started = started;
    }

    /// <summary>Records the elapsed time with tags (once; later calls only return the elapsed time).</summary>
    /// <param name="tags">The series' tags, for example the outcome known only at the end.</param>
    /// <returns>The elapsed time.</returns>
    public TimeSpan Stop(params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_timer is null)
        {
            return TimeSpan.Zero;
        }

        TimeSpan elapsed = _timer.Elapsed(_started);
        if (!_stopped)
        {
            _stopped = true;
            _timer.Record(elapsed, tags);
        }

        return elapsed;
    }

    /// <summary>Records the elapsed time without tags, unless <see cref="Stop"/> already did.</summary>
    public void Dispose() => Stop();

    /// <inheritdoc />
    public readonly bool Equals(MetricTimerScope other) => ReferenceEquals(_timer, other._timer) && _started == other._started;

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is MetricTimerScope other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => HashCode.Combine(_timer, _started);

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they are the same measurement.</returns>
    public static bool operator ==(MetricTimerScope left, MetricTimerScope right) => left.Equals(right);

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they are different measurements.</returns>
    public static bool operator !=(MetricTimerScope left, MetricTimerScope right) => !left.Equals(right);
}
