namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// A live, mergeable quantile sketch with a relative-error guarantee (the DDSketch idea): each value is
/// counted in a logarithmic bucket, so a quantile is reported within the geometry's relative accuracy of the true value
/// at that rank. Recording is lock-free and allocation-free (an interlocked increment of one counter);
/// negative values get their own buckets, allocated on first use. Magnitudes outside the tracked range are
/// counted in the edge buckets (and in <see cref="ClampedCount"/>), where the guarantee no longer holds. Each bucket
/// counts up to 2^31 - 1 values: a sketch covers one time bucket, then becomes a <see cref="SketchSnapshot"/>.
/// </summary>
internal sealed class QuantileSketch
{
    private readonly int[] _positive;
    private int[]? _negative;
    private long _zero;
    private long _clamped;

    public QuantileSketch(LogBuckets buckets)
    {
        Buckets = buckets;
        _positive = new int[buckets.Length];
    }

    public LogBuckets Buckets { get; }

    public long ClampedCount => Interlocked.Read(ref _clamped);

    /// <summary>Counts a finite value. Returns false, counting nothing, for NaN and infinities.</summary>
    public bool Record(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        if (value > 0)
        {
            Count(_positive, value);
        }
        else if (value < 0)
        {
            Count(_negative ?? CreateNegative(), -value);
        }
        else
        {
            Interlocked.Increment(ref _zero);
        }

        return true;
    }

    /// <summary>Takes the counts so far into a compact, immutable snapshot (only non-empty buckets).</summary>
    public SketchSnapshot ToSnapshot() =>
        SketchSnapshot.FromDense(Buckets, _positive, Volatile.Read(ref _negative), Interlocked.Read(ref _zero));

    /// <summary>Forgets every count (not atomic against concurrent writers: values recorded meanwhile may survive).</summary>
    public void Reset()
    {
        Array.Clear(_positive);
        if (Volatile.Read(ref _negative) is { } negative)
        {
            Array.Clear(negative);
        }

        Interlocked.Exchange(ref _zero, 0);
        Interlocked.Exchange(ref _clamped, 0);
    }

    private void Count(int[] counts, double magnitude)
    {
        if (magnitude < Buckets.MinMagnitude || magnitude > Buckets.MaxMagnitude)
        {
            Interlocked.Increment(ref _clamped);
        }

        Interlocked.Increment(ref counts[Buckets.IndexOf(magnitude) - Buckets.MinIndex]);
    }

    private int[] CreateNegative()
    {
        Interlocked.CompareExchange(ref _negative, new int[Buckets.Length], null);
        return _negative!;
    }
}
