namespace SelfHealing.Metrics.Storage;

/// <summary>
/// Identifies a series within a metric by its tags as the caller gave them (keys and raw values), so a
/// recording can find its series from a span of tags without formatting or allocating (see
/// <see cref="SeriesKeyComparer"/>). Values compare with <see cref="object.Equals(object, object)"/>: a boxed 200 finds
/// the series of an earlier boxed 200.
/// </summary>
internal sealed class SeriesKey
{
    public SeriesKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            int existing = pairs.FindIndex(p => p.Key == tag.Key);
            if (existing >= 0)
            {
                pairs[existing] = tag;
            }
            else
            {
                pairs.Add(tag);
            }
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        Tags = [.. pairs];
        Hash = SeriesKeyComparer.HashOf(Tags);
        Display = MetricTags.From(Tags);
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }

    public MetricTags Display { get; }
}
