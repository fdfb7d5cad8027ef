using SelfHealing.Metrics.Sketches;

namespace SelfHealing.Metrics.Storage;

/// <summary>
/// The closed buckets and steps of one series, in rings sized by the retention: 28 bytes a bucket (count,
/// sum, minimum, maximum in parallel arrays) and a compact encoded sketch a step. A slot's epoch is implied by
/// the newest epoch written, so slots carry no tag; epochs skipped over are cleared. Written by the collector's
/// closer only; read under the collector's version counter.
/// </summary>
internal sealed class SeriesHistory
{
    private const long Nothing = long.MinValue / 2; // far below any epoch, and no overflow when the ring length is taken off

    private readonly SeriesLayout _layout;
    private readonly int[] _counts;
    private readonly double[] _sums;
    private readonly double[] _mins;
    private readonly double[] _maxs;
    private readonly long[] _stepIds;
    private readonly byte[]?[] _steps;
    private long _newest = Nothing;

    public SeriesHistory(SeriesLayout layout)
    {
        _layout = layout;
        int buckets = layout.RetainedBuckets;
        _counts = new int[buckets];
        _sums = new double[buckets];
        _mins = new double[buckets];
        _maxs = new double[buckets];
        _stepIds = new long[layout.RetainedSteps];
        _steps = new byte[]?[layout.RetainedSteps];
    }

    /// <summary>Stores a closed bucket, adding to what a flush stored for the same epoch.</summary>
    public void WriteBucket(long epoch, BucketTotals totals)
    {
        int length = _counts.Length;
        long newest = Volatile.Read(ref _newest);
        if (epoch <= newest - length)
        {
            return; // older than the retention
        }

        int slot = (int)(epoch % length);
        if (epoch <= newest)
        {
            if (_counts[slot] != 0 || _sums[slot] != 0)
            {
                totals.Add(_counts[slot], _sums[slot], _mins[slot], _maxs[slot]);
            }
        }
        else
        {
            // The first bucket written finds every slot still empty: nothing to clear.
            long from = newest == Nothing ? epoch : Math.Max(newest + 1, epoch - length + 1);
            for (long skipped = from; skipped < epoch; skipped++)
            {
                Clear((int)(skipped % length));
            }

            Volatile.Write(ref _newest, epoch);
        }

        _counts[slot] = (int)Math.Min(totals.Count, int.MaxValue);
        _sums[slot] = totals.Sum;
        _mins[slot] = totals.Min;
        _maxs[slot] = totals.Max;
    }

    public void ReadBucket(long epoch, ref BucketTotals totals)
    {
        long newest = Volatile.Read(ref _newest);
        if (epoch > newest || epoch <= newest - _counts.Length)
        {
            return;
        }

        int slot = (int)(epoch % _counts.Length);
        if (_counts[slot] != 0 || _sums[slot] != 0)
        {
            totals.Add(_counts[slot], _sums[slot], _mins[slot], _maxs[slot]);
        }
    }

    /// <summary>Stores a closed step's sketch, merged with what a flush stored for the same step.</summary>
    public void WriteStep(long step, SketchSnapshot sketch)
    {
        int slot = (int)(step % _steps.Length);
        byte[] bytes = sketch.Bytes;
        if (_stepIds[slot] == step && Volatile.Read(ref _steps[slot]) is { } kept)
        {
            using var merged = new SketchAccumulator(_layout.Geometry);
            merged.AddEncoded(kept);
            merged.AddEncoded(bytes);
            bytes = merged.ToSnapshot().Bytes;
        }

        Volatile.Write(ref _steps[slot], null);
        _stepIds[slot] = step;
        Volatile.Write(ref _steps[slot], bytes);
    }

    public void AddStep(long step, SketchAccumulator accumulator)
    {
        int slot = (int)(step % _steps.Length);
        if (Volatile.Read(ref _steps[slot]) is { } kept && _stepIds[slot] == step)
        {
            accumulator.AddEncoded(kept);
        }
    }

    private void Clear(int slot)
    {
        _counts[slot] = 0;
        _sums[slot] = 0;
        _mins[slot] = 0;
        _maxs[slot] = 0;
    }
}
