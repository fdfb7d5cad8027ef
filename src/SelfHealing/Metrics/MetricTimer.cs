using System.Runtime.CompilerServices;
using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>
/// Durations, recorded in seconds: <c>using (timer.Start()) { ... }</c>, or <c>timer.Record(elapsed)</c>.
/// Time is read from the collector's <see cref="TimeProvider"/>.
/// </summary>
public sealed class MetricTimer : MetricInstrument
{
    private readonly TimeProvider _time;

    internal MetricTimer(MetricsCollector collector, Metric metric, TimeProvider time)
        : base(collector, metric)
    {
        _time = time;
    }

    /// <summary>Records a duration. A negative duration is not stored; it is counted as invalid.</summary>
    /// <param name="duration">The duration.</param>
    /// <param name="tags">The series' tags.</param>
    public void Record(TimeSpan duration, params ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Collector.Record(Metric, duration >= TimeSpan.Zero ? duration.TotalSeconds : double.NaN, tags);

    /// <summary>Records a duration with one tag, written <c>new("table", "orders")</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <param name="tag">The series' one tag.</param>
    [OverloadResolutionPriority(1)]
    public void Record(TimeSpan duration, KeyValuePair<string, object?> tag) => Record(duration, [tag]);

    /// <summary>Starts timing; disposing the scope (or calling <see cref="MetricTimerScope.Stop"/>) records the elapsed time.</summary>
    /// <returns>The scope, a struct: no allocation.</returns>
    public MetricTimerScope Start() => new(this, _time.GetTimestamp());

    internal TimeSpan Elapsed(long started) => _time.GetElapsedTime(started);
}
