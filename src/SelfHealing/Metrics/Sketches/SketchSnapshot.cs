namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// An immutable quantile sketch holding only its non-empty buckets: what a closed time bucket keeps. Two
/// snapshots of the same geometry merge exactly (counts add), so a range query merges its buckets' snapshots.
/// </summary>
internal sealed class SketchSnapshot
{
    private static readonly int[] NoIndexes = [];
    private static readonly long[] NoCounts = [];

    // Negative values first (most negative first), then zeros, then positive values (smallest first): the
    // order of the values they stand for, so a rank is found in one pass.
    private readonly int[] _negativeIndexes;
    private readonly long[] _negativeCounts;
    private readonly int[] _positiveIndexes;
    private readonly long[] _positiveCounts;

    private SketchSnapshot(LogBuckets buckets, int[] negativeIndexes, long[] negativeCounts, long zero, int[] positiveIndexes, long[] positiveCounts)
    {
        Buckets = buckets;
        _negativeIndexes = negativeIndexes;
        _negativeCounts = negativeCounts;
        ZeroCount = zero;
        _positiveIndexes = positiveIndexes;
        _positiveCounts = positiveCounts;
        Count = zero + negativeCounts.Sum() + positiveCounts.Sum();
    }

    public LogBuckets Buckets { get; }

    public long Count { get; }

    public long ZeroCount { get; }

    /// <summary>Gets how many non-empty buckets are kept (a measure of the snapshot's size).</summary>
    public int BucketCount => _negativeIndexes.Length + _positiveIndexes.Length + (ZeroCount > 0 ? 1 : 0);

    public static SketchSnapshot Empty(LogBuckets buckets) => new(buckets, NoIndexes, NoCounts, 0, NoIndexes, NoCounts);

    /// <summary>Builds a snapshot from dense counters indexed from <see cref="LogBuckets.MinIndex"/>.</summary>
    public static SketchSnapshot FromDense(LogBuckets buckets, int[] positive, int[]? negative, long zero)
    {
        (int[] pi, long[] pc) = Compact(buckets, positive, descending: false);
        (int[] ni, long[] nc) = negative is null ? (NoIndexes, NoCounts) : Compact(buckets, negative, descending: true);
        return new SketchSnapshot(buckets, ni, nc, zero, pi, pc);
    }

    /// <summary>Adds the counts of two snapshots of the same geometry.</summary>
    public SketchSnapshot Merge(SketchSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Buckets.SameAs(other.Buckets))
        {
            throw new ArgumentException("Only sketches with the same relative accuracy and range can be merged.", nameof(other));
        }

        (int[] pi, long[] pc) = MergeSorted(_positiveIndexes, _positiveCounts, other._positiveIndexes, other._positiveCounts, descending: false);
        (int[] ni, long[] nc) = MergeSorted(_negativeIndexes, _negativeCounts, other._negativeIndexes, other._negativeCounts, descending: true);
        return new SketchSnapshot(Buckets, ni, nc, ZeroCount + other.ZeroCount, pi, pc);
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/>: within the relative accuracy of the true value at rank
    /// <c>floor(q * (Count - 1))</c> of the sorted values (0-based). NaN when the sketch is empty.
    /// </summary>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be from 0 to 1.");
        }

        if (Count == 0)
        {
            return double.NaN;
        }

        long rank = (long)Math.Floor(q * (Count - 1));
        long seen = 0;
        for (int i = 0; i < _negativeIndexes.Length; i++)
        {
            seen += _negativeCounts[i];
            if (seen > rank)
            {
                return -Buckets.ValueOf(_negativeIndexes[i]);
            }
        }

        seen += ZeroCount;
        if (seen > rank)
        {
            return 0;
        }

        for (int i = 0; i < _positiveIndexes.Length; i++)
        {
            seen += _positiveCounts[i];
            if (seen > rank)
            {
                return Buckets.ValueOf(_positiveIndexes[i]);
            }
        }

        return Buckets.ValueOf(_positiveIndexes[^1]); // not reached while counts add up
    }

    private static (int[] Indexes, long[] Counts) Compact(LogBuckets buckets, int[] dense, bool descending)
    {
        int used = 0;
        foreach (int c in dense)
        {
            used += c > 0 ? 1 : 0;
        }

        if (used == 0)
        {
            return (NoIndexes, NoCounts);
        }

        var indexes = new int[used];
        var counts = new long[used];
        int k = 0;
        for (int j = 0; j < dense.Length; j++)
        {
            int i = descending ? dense.Length - 1 - j : j;
            int c = Volatile.Read(ref dense[i]);
            if (c > 0 && k < used)
            {
                indexes[k] = i + buckets.MinIndex;
                counts[k] = c;
                k++;
            }
        }

        return k == used ? (indexes, counts) : (indexes[..k], counts[..k]);
    }

    private static (int[] Indexes, long[] Counts) MergeSorted(int[] ai, long[] ac, int[] bi, long[] bc, bool descending)
    {
        if (bi.Length == 0)
        {
            return (ai, ac);
        }

        if (ai.Length == 0)
        {
            return (bi, bc);
        }

        var indexes = new List<int>(ai.Length + bi.Length);
        var counts = new List<long>(ai.Length + bi.Length);
        int x = 0, y = 0;
        while (x < ai.Length || y < bi.Length)
        {
            int order = x == ai.Length ? 1 : y == bi.Length ? -1 : ai[x].CompareTo(bi[y]) * (descending ? -1 : 1);
            if (order < 0)
            {
                indexes.Add(ai[x]);
                counts.Add(ac[x++]);
            }
            else if (order > 0)
            {
                indexes.Add(bi[y]);
                counts.Add(bc[y++]);
            }
            else
            {
                indexes.Add(ai[x]);
                counts.Add(ac[x++] + bc[y++]);
            }
        }

        return ([.. indexes], [.. counts]);
    }
}
