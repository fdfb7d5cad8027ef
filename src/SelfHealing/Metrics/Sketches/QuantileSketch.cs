namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// A live, mergeable quantile sketch with a relative-error guarantee (the DDSketch idea): each value is
/// counted in a logarithmic bucket, so a quantile is reported within the geometry's relative accuracy of the true value
/// at that rank. Recording is lock-free and allocation-free once the buckets a series uses exist (an interlocked
/// increment of one counter). Counters live in chunks of <see cref="ChunkSize"/> buckets allocated on first use,
/// so a series whose values span a decade holds a few hundred bytes, not the whole geometry. Magnitudes outside
/// the tracked range are counted in the edge buckets (and in <see cref="ClampedCount"/>), where the guarantee no
/// longer holds. Each bucket counts up to 2^31 - 1 values between two harvests.
/// </summary>
internal sealed class QuantileSketch
{
    public const int ChunkSize = 64;
    private const int ChunkShift = 6;

    private readonly int[]?[] _positive;
    private int[]?[]? _negative; // most series never see a negative value: allocated on the first one
    private long _zero;
    private long _clamped;

    public QuantileSketch(LogBuckets buckets)
    {
        Buckets = buckets;
        int chunks = (buckets.Length + ChunkSize - 1) / ChunkSize;
        _positive = new int[chunks][];
    }

    public LogBuckets Buckets { get; }

    public long ClampedCount => Interlocked.Read(ref _clamped);

    /// <summary>Counts a finite value. Returns false, counting nothing, for NaN and infinities.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Record(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        RecordFinite(value);
        return true;
    }

    /// <summary>Counts a value the caller has checked is finite (the recording hot path checks once).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void RecordFinite(double value)
    {
        if (value > 0)
        {
            Count(_positive, value);
        }
        else if (value < 0)
        {
            Count(Volatile.Read(ref _negative) ?? CreateNegative(), -value);
        }
        else
        {
            Interlocked.Increment(ref _zero);
        }
    }

    /// <summary>Takes the counts so far into an immutable snapshot, leaving them in place.</summary>
    public SketchSnapshot ToSnapshot()
    {
        var encoder = new SketchEncoder(Buckets);
        Visit(encoder, take: false);
        return encoder.ToSnapshot();
    }

    /// <summary>
    /// Moves the counts so far into a snapshot and leaves the sketch empty. Every counter is taken with an
    /// atomic exchange, so a value recorded concurrently is either in the snapshot or stays for the next harvest,
    /// never lost. The chunks stay allocated for the next interval.
    /// </summary>
    public SketchSnapshot Harvest(SketchEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        encoder.Reset();
        Visit(encoder, take: true);
        Interlocked.Exchange(ref _clamped, 0);
        return encoder.ToSnapshot();
    }

    /// <summary>Adds the counts so far to an accumulator, leaving them in place.</summary>
    public void AddTo(SketchAccumulator accumulator)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        int length = Buckets.Length;
        int[]?[] negative = Volatile.Read(ref _negative) ?? [];
        for (int c = negative.Length - 1; c >= 0; c--)
        {
            if (Volatile.Read(ref negative[c]) is { } chunk)
            {
                for (int i = chunk.Length - 1; i >= 0; i--)
                {
                    int n = Volatile.Read(ref chunk[i]);
                    if (n != 0)
                    {
                        accumulator.AddAt(length - 1 - ((c << ChunkShift) + i), n);
                    }
                }
            }
        }

        accumulator.AddAt(length, Interlocked.Read(ref _zero));
        for (int c = 0; c < _positive.Length; c++)
        {
            if (Volatile.Read(ref _positive[c]) is { } chunk)
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    int n = Volatile.Read(ref chunk[i]);
                    if (n != 0)
                    {
                        accumulator.AddAt(length + 1 + (c << ChunkShift) + i, n);
                    }
                }
            }
        }
    }

    /// <summary>Gets the bytes held by the counters allocated so far (for memory accounting).</summary>
    public long AllocatedBytes()
    {
        long chunks = 0;
        foreach (int[]? chunk in _positive)
        {
            chunks += chunk is null ? 0 : 1;
        }

        foreach (int[]? chunk in Volatile.Read(ref _negative) ?? [])
        {
            chunks += chunk is null ? 0 : 1;
        }

        return chunks * ((ChunkSize * sizeof(int)) + 24);
    }

    // Visits the non-empty buckets in the order of the values they stand for: most negative first, then
    // zero, then positive from the smallest. Positions: negative bucket i at Length - 1 - i, zero at Length,
    // positive bucket i at Length + 1 + i (bucket numbers relative to the geometry's MinIndex).
    private void Visit(SketchEncoder encoder, bool take)
    {
        int length = Buckets.Length;
        int[]?[] negative = Volatile.Read(ref _negative) ?? [];
        for (int c = negative.Length - 1; c >= 0; c--)
        {
            if (Volatile.Read(ref negative[c]) is { } chunk)
            {
                for (int i = chunk.Length - 1; i >= 0; i--)
                {
                    int n = Take(ref chunk[i], take);
                    if (n != 0)
                    {
                        encoder.Add(length - 1 - ((c << ChunkShift) + i), n);
                    }
                }
            }
        }

        long zero = take ? Interlocked.Exchange(ref _zero, 0) : Interlocked.Read(ref _zero);
        if (zero != 0)
        {
            encoder.Add(length, zero);
        }

        for (int c = 0; c < _positive.Length; c++)
        {
            if (Volatile.Read(ref _positive[c]) is { } chunk)
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    int n = Take(ref chunk[i], take);
                    if (n != 0)
                    {
                        encoder.Add(length + 1 + (c << ChunkShift) + i, n);
                    }
                }
            }
        }
    }

    private static int Take(ref int counter, bool take)
    {
        int n = Volatile.Read(ref counter);
        return n == 0 || !take ? n : Interlocked.Exchange(ref counter, 0);
    }

    private void Count(int[]?[] chunks, double magnitude)
    {
        int bucket = Buckets.RelativeIndexInRange(magnitude);
        if (bucket < 0)
        {
            Interlocked.Increment(ref _clamped);
            bucket = Buckets.IndexByLogarithm(magnitude) - Buckets.MinIndex; // an edge bucket
        }

        int[] chunk = Volatile.Read(ref chunks[bucket >> ChunkShift]) ?? CreateChunk(chunks, bucket >> ChunkShift);
        Interlocked.Increment(ref chunk[bucket & (ChunkSize - 1)]);
    }

    private int[]?[] CreateNegative()
    {
        Interlocked.CompareExchange(ref _negative, new int[_positive.Length][], null);
        return _negative!;
    }

    private static int[] CreateChunk(int[]?[] chunks, int index)
    {
        Interlocked.CompareExchange(ref chunks[index], new int[ChunkSize], null);
        return chunks[index]!;
    }
}
