namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// Writes non-empty buckets, in ascending position order (see <see cref="LogBuckets.ValueAtPosition"/>), into the
/// compact form a <see cref="SketchSnapshot"/> keeps: for each bucket, the gap from the previous position and the
/// count, both as variable-length integers (usually three bytes a bucket). Reusable: the buffer grows once and
/// serves every harvest of a collector.
/// </summary>
internal sealed class SketchEncoder(LogBuckets buckets)
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private int _previous = -1;
    private long _count;
    private int _bucketCount;

    public LogBuckets Buckets { get; } = buckets;

    public void Reset()
    {
        _length = 0;
        _previous = -1;
        _count = 0;
        _bucketCount = 0;
    }

    public void Add(int position, long count)
    {
        if (position <= _previous)
        {
            throw new InvalidOperationException($"Positions must ascend; {position} came after {_previous}.");
        }

        if (_length + 20 > _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        Write((ulong)(position - _previous - 1));
        Write((ulong)count);
        _previous = position;
        _count += count;
        _bucketCount++;
    }

    public SketchSnapshot ToSnapshot() =>
        _bucketCount == 0 ? SketchSnapshot.Empty(Buckets) : new SketchSnapshot(Buckets, _buffer.AsSpan(0, _length).ToArray(), _count, _bucketCount);

    private void Write(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }
}
