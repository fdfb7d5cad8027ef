using System.Collections;
using System.Globalization;

namespace SelfHealing.Metrics;

/// <summary>
/// The tags of one metric series: keys in ordinal order, values as invariant-culture strings. Two tag sets
/// with the same pairs are equal whatever order they were given in.
/// </summary>
public sealed class MetricTags : IReadOnlyList<KeyValuePair<string, string>>, IEquatable<MetricTags>
{
    private readonly KeyValuePair<string, string>[] _tags;

    private MetricTags(KeyValuePair<string, string>[] tags) => _tags = tags;

    /// <summary>Gets the empty tag set.</summary>
    public static MetricTags Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => _tags.Length;

    /// <inheritdoc />
    public KeyValuePair<string, string> this[int index] => _tags[index];

    /// <summary>Creates a tag set; a key given twice keeps its last value.</summary>
    /// <param name="tags">The pairs; values are formatted with the invariant culture, <see langword="null"/> as an empty string.</param>
    /// <exception cref="ArgumentException">A key is null or empty.</exception>
    public static MetricTags From(params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (string.IsNullOrEmpty(tag.Key))
            {
                throw new ArgumentException("A tag key must not be null or empty.", nameof(tags));
            }

            string value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            int existing = pairs.FindIndex(p => p.Key == tag.Key);
            if (existing >= 0)
            {
                pairs[existing] = new(tag.Key, value);
            }
            else
            {
                pairs.Add(new(tag.Key, value));
            }
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new MetricTags([.. pairs]);
    }

    /// <summary>Creates a tag set from string pairs.</summary>
    /// <param name="tags">The pairs.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key is null or empty.</exception>
    public static MetricTags From(IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return From([.. tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value))]);
    }

    /// <summary>Gets a tag's value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when the key is present.</param>
    /// <returns>Whether the key is present.</returns>
    public bool TryGetValue(string key, out string value)
    {
        foreach (KeyValuePair<string, string> tag in _tags)
        {
            if (tag.Key == key)
            {
                value = tag.Value;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Tells whether every pair of <paramref name="subset"/> is in this set.</summary>
    /// <param name="subset">The pairs to look for.</param>
    /// <returns><see langword="true"/> when all are present (always for an empty subset).</returns>
    public bool Contains(MetricTags subset)
    {
        ArgumentNullException.ThrowIfNull(subset);
        foreach (KeyValuePair<string, string> tag in subset._tags)
        {
            if (!TryGetValue(tag.Key, out string value) || value != tag.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(MetricTags? other) =>
        other is not null && (ReferenceEquals(this, other) || _tags.AsSpan().SequenceEqual(other._tags));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MetricTags);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (KeyValuePair<string, string> tag in _tags)
        {
            hash.Add(tag.Key);
            hash.Add(tag.Value);
        }

        return hash.ToHashCode();
    }

    /// <summary>The tags as <c>{key=value, ...}</c>, or an empty string when there are none.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        _tags.Length == 0 ? string.Empty : "{" + string.Join(", ", _tags.Select(t => $"{t.Key}={t.Value}")) + "}";

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_tags).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
