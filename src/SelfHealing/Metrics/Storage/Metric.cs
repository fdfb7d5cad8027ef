using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SelfHealing.Metrics.Storage;

/// <summary>
/// A named metric and its series, one per tag set. The series without tags sits in a field; tagged series are
/// found from the caller's tags through an alternate lookup (no allocation). New series are made by the
/// collector, which enforces the cardinality limits.
/// </summary>
internal sealed class Metric
{
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new(SeriesKeyComparer.Instance);
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Func<Metric, ReadOnlySpan<KeyValuePair<string, object?>>, MetricSeries> _create;
    private MetricSeries? _untagged;
    private int _invalidWarned;

    public Metric(string name, MetricType type, string? unit, string? description, MetricOrigin origin, Func<Metric, ReadOnlySpan<KeyValuePair<string, object?>>, MetricSeries> create)
    {
        Name = name;
        Type = type;
        Unit = unit;
        Description = description;
        Origin = origin;
        _create = create;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public string Name { get; }

    public MetricType Type { get; }

    public string? Unit { get; }

    public string? Description { get; }

    public MetricOrigin Origin { get; }

    /// <summary>Gets or sets the series that takes the values of tag sets refused by the cardinality limit.</summary>
    public MetricSeries? Overflow { get; set; }

    public int SeriesCount => _series.Count;

    public ICollection<MetricSeries> Series => _series.Values;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MetricSeries Resolve(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return _untagged ?? Create(tags);
        }

        return _lookup.TryGetValue(tags, out MetricSeries? series) ? series : Create(tags);
    }

    /// <summary>Finds an existing series (creation path, under the collector's lock).</summary>
    public bool TryGet(ReadOnlySpan<KeyValuePair<string, object?>> tags, out MetricSeries series) =>
        _lookup.TryGetValue(tags, out series!);

    /// <summary>Adds a series (creation path, under the collector's lock).</summary>
    public void Add(MetricSeries series)
    {
        _series[series.Key] = series;
        if (series.Key.Tags.Length == 0)
        {
            Volatile.Write(ref _untagged, series);
        }
    }

    /// <summary>Tells whether this is the first invalid sample (for a one-time warning).</summary>
    public bool FirstInvalid() => Interlocked.Exchange(ref _invalidWarned, 1) == 0;

    private MetricSeries Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => _create(this, tags);
}
