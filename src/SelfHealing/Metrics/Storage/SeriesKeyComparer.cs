namespace SelfHealing.Metrics.Storage;

/// <summary>
/// Compares series keys with each other and with a span of tags in any order, so the dictionary of a
/// metric's series is searched straight from the caller's tags. The hash is order-independent (a sum of the
/// values' hashes: a metric's series differ by their values, keys rarely, and hashing keys would cost a string
/// hash per tag on every recording); a span that names a key twice never matches and takes the slow path, which
/// deduplicates.
/// </summary>
internal sealed class SeriesKeyComparer :
    IEqualityComparer<SeriesKey>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, SeriesKey>
{
    public static SeriesKeyComparer Instance { get; } = new();

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = tags.Length;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            hash += tag.Value?.GetHashCode() ?? 0;
        }

        return hash;
    }

    public bool Equals(SeriesKey? x, SeriesKey? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && Equals(x.Tags, y));

    public int GetHashCode(SeriesKey obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, SeriesKey other)
    {
        KeyValuePair<string, object?>[] tags = other.Tags;
        if (alternate.Length != tags.Length)
        {
            return false;
        }

        foreach (KeyValuePair<string, object?> tag in alternate)
        {
            bool found = false;
            foreach (KeyValuePair<string, object?> candidate in tags)
            {
                if (string.Equals(candidate.Key, tag.Key, StringComparison.Ordinal))
                {
                    found = object.Equals(candidate.Value, tag.Value);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public SeriesKey Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);
}
