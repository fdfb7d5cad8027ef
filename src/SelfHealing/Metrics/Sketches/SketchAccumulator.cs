using System.Buffers;

namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// Dense counters over every position of a geometry, for merging many sketches in one query: adding a snapshot
/// is one pass over its encoded buckets, and quantiles are read in one pass over the positions in use. The
/// counters are rented from the shared array pool; dispose the accumulator to return them.
/// </summary>
internal sealed class SketchAccumulator : IDisposable
{
    private long[]? _counts;
    private int _low = int.MaxValue;
    private int _high = -1;

    public SketchAccumulator(LogBuckets buckets)
    {
        Buckets = buckets;
        _counts = ArrayPool<long>.Shared.Rent(buckets.PositionCount);
        Array.Clear(_counts, 0, buckets.PositionCount);
    }

    public LogBuckets Buckets { get; }

    public long Count { get; private set; }

    /// <summary>The 0-based rank quantile <paramref name="q"/> stands for among <paramref name="count"/> values; -1 when there are none.</summary>
    public static long RankOf(double q, long count)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be from 0 to 1.");
        }

        return count == 0 ? -1 : (long)Math.Floor(q * (count - 1));
    }

    public void AddAt(int position, long count)
    {
        if (count == 0)
        {
            return;
        }

        long[] counts = _counts ?? throw new ObjectDisposedException(nameof(SketchAccumulator));
        counts[position] += count;
        Count += count;
        _low = Math.Min(_low, position);
        _high = Math.Max(_high, position);
    }

    public void Add(SketchSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!Buckets.SameAs(snapshot.Buckets))
        {
            throw new ArgumentException("Only sketches with the same relative accuracy and range can be merged.", nameof(snapshot));
        }

        AddEncoded(snapshot.Data);
    }

    /// <summary>Adds buckets encoded by a <see cref="SketchEncoder"/> of this geometry.</summary>
    public void AddEncoded(ReadOnlySpan<byte> data)
    {
        var reader = new SketchReader(data);
        while (reader.Next(out int position, out long count))
        {
            AddAt(position, count);
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> of everything added (see <see cref="SketchSnapshot.Quantile"/>).</summary>
    public double Quantile(double q)
    {
        long rank = RankOf(q, Count);
        if (rank < 0)
        {
            return double.NaN;
        }

        long[] counts = _counts ?? throw new ObjectDisposedException(nameof(SketchAccumulator));
        long seen = 0;
        for (int p = _low; p <= _high; p++)
        {
            seen += counts[p];
            if (seen > rank)
            {
                return Buckets.ValueAtPosition(p);
            }
        }

        return Buckets.ValueAtPosition(_high); // not reached while counts add up
    }

    public SketchSnapshot ToSnapshot()
    {
        long[] counts = _counts ?? throw new ObjectDisposedException(nameof(SketchAccumulator));
        var encoder = new SketchEncoder(Buckets);
        for (int p = _low; p <= _high; p++)
        {
            if (counts[p] != 0)
            {
                encoder.Add(p, counts[p]);
            }
        }

        return encoder.ToSnapshot();
    }

    public void Dispose()
    {
        if (_counts is { } counts)
        {
            _counts = null;
            ArrayPool<long>.Shared.Return(counts);
        }
    }
}
