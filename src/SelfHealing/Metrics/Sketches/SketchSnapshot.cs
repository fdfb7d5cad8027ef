namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// An immutable quantile sketch holding only its non-empty buckets, compactly encoded (see
/// <see cref="SketchEncoder"/>): what a closed time step keeps. Two snapshots of the same geometry merge exactly
/// (counts add), so a range query merges its steps' snapshots (see <see cref="SketchAccumulator"/>).
/// </summary>
internal sealed class SketchSnapshot
{
    private readonly byte[] _data;

    internal SketchSnapshot(LogBuckets buckets, byte[] data, long count, int bucketCount)
    {
        Buckets = buckets;
        _data = data;
        Count = count;
        BucketCount = bucketCount;
    }

    public LogBuckets Buckets { get; }

    public long Count { get; }

    /// <summary>Gets how many non-empty buckets are kept.</summary>
    public int BucketCount { get; }

    /// <summary>Gets the bytes this snapshot holds, object headers included (for memory accounting).</summary>
    public long AllocatedBytes => _data.Length == 0 ? 48 : 48 + 24 + _data.Length;

    internal ReadOnlySpan<byte> Data => _data;

    /// <summary>Gets the encoded buckets (not copied: callers must not change them).</summary>
    internal byte[] Bytes => _data;

    public static SketchSnapshot Empty(LogBuckets buckets) => new(buckets, [], 0, 0);

    /// <summary>Adds the counts of two snapshots of the same geometry.</summary>
    public SketchSnapshot Merge(SketchSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Buckets.SameAs(other.Buckets))
        {
            throw new ArgumentException("Only sketches with the same relative accuracy and range can be merged.", nameof(other));
        }

        using var accumulator = new SketchAccumulator(Buckets);
        accumulator.Add(this);
        accumulator.Add(other);
        return accumulator.ToSnapshot();
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/>: within the relative accuracy of the true value at rank
    /// <c>floor(q * (Count - 1))</c> of the sorted values (0-based). NaN when the sketch is empty.
    /// </summary>
    public double Quantile(double q)
    {
        long rank = SketchAccumulator.RankOf(q, Count);
        if (rank < 0)
        {
            return double.NaN;
        }

        var reader = new SketchReader(_data);
        long seen = 0;
        int last = 0;
        while (reader.Next(out int position, out long count))
        {
            seen += count;
            last = position;
            if (seen > rank)
            {
                break;
            }
        }

        return Buckets.ValueAtPosition(last);
    }
}
