using System.Diagnostics.Metrics;
using SelfHealing.Metrics.Storage;
using SelfHealing.Telemetry;

namespace SelfHealing.Metrics.Sources;

/// <summary>
/// Feeds the collector from System.Diagnostics.Metrics instruments chosen by <c>meter/instrument</c> patterns.
/// Counters give increments; observable counters give running totals, turned into increments (the first total of a
/// series is a baseline, except for the library's own counters, which start at zero); up-down counters
/// and gauges give levels; histograms give observations. The collector's own published instruments are never
/// read back.
/// </summary>
internal sealed class InstrumentListener : IDisposable
{
    public static readonly string[] DefaultPatterns =
    [
        "Microsoft.AspNetCore.Hosting/http.server.request.duration",
        "System.Net.Http/http.client.request.duration",
        $"{SelfHealingMeter.Name}/{SelfHealingMeter.CircuitCalls}",
    ];

    private readonly MetricsCollector _collector;
    private readonly InstrumentPattern[] _patterns;
    private readonly MeterListener _listener = new();

    public InstrumentListener(MetricsCollector collector, IEnumerable<string> patterns)
    {
        _collector = collector;
        _patterns = [.. patterns.Distinct(StringComparer.OrdinalIgnoreCase).Select(InstrumentPattern.Parse)];
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<float>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<int>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<short>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, t, s) => ((Binding)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, t, s) => ((Binding)s!).Record((double)v, t));
    }

    private enum Kind
    {
        Increment,
        RunningTotal,
        RunningTotalFromZero,
        LevelChange,
        Level,
        Observation,
    }

    public void Start() => _listener.Start();

    /// <summary>Asks every observable instrument for its current values (at each bucket's end).</summary>
    public void RecordObservables() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private static (MetricType Type, Kind Kind)? Classify(Instrument instrument)
    {
        Type type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        Type definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) ? (MetricType.Counter, Kind.Increment)
            : definition == typeof(ObservableCounter<>) ? (MetricType.Counter, Kind.RunningTotal)
            : definition == typeof(UpDownCounter<>) ? (MetricType.Gauge, Kind.LevelChange)
            : definition == typeof(ObservableUpDownCounter<>) ? (MetricType.Gauge, Kind.Level)
            : definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>) ? (MetricType.Gauge, Kind.Level)
            : definition == typeof(Histogram<>) ? (MetricType.Histogram, Kind.Observation)
            : null;
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (IsOwnOutput(instrument) || !_patterns.Any(p => p.Matches(instrument)) || Classify(instrument) is not { } kind)
        {
            return;
        }

        // The library's own running totals (breaker calls) start at zero when first listened to, so their first
        // observation is all increase; another source's first total is only a baseline.
        Kind how = kind.Kind == Kind.RunningTotal && instrument.Meter.Name == SelfHealingMeter.Name ? Kind.RunningTotalFromZero : kind.Kind;
        if (_collector.TryAddMetric(instrument.Name, kind.Type, instrument.Unit, instrument.Description, MetricOrigin.Listener) is { } metric)
        {
            listener.EnableMeasurementEvents(instrument, new Binding(_collector, metric, how));
        }
        else
        {
            MetricsCollector.LogInstrumentSkipped(_collector.Logger, instrument.Meter.Name, instrument.Name, kind.Type.ToString());
        }
    }

    private static bool IsOwnOutput(Instrument instrument) =>
        instrument.Meter.Name == SelfHealingMeter.Name && instrument.Name.StartsWith(SelfHealingMeter.MetricsPrefix, StringComparison.Ordinal);

    private sealed class Binding(MetricsCollector collector, Metric metric, Kind kind)
    {
        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            switch (kind)
            {
                case Kind.RunningTotal:
                    collector.RecordCumulative(metric, value, tags, fromZero: false);
                    break;
                case Kind.RunningTotalFromZero:
                    collector.RecordCumulative(metric, value, tags, fromZero: true);
                    break;
                case Kind.LevelChange:
                    collector.RecordLevelChange(metric, value, tags);
                    break;
                default:
                    collector.Record(metric, value, tags);
                    break;
            }
        }
    }
}
