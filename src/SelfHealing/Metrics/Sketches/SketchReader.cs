namespace SelfHealing.Metrics.Sketches;

/// <summary>Reads the buckets a <see cref="SketchEncoder"/> wrote, in ascending position order.</summary>
internal ref struct SketchReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _offset;
    private int _position = -1;

    public bool Next(out int position, out long count)
    {
        if (_offset >= _data.Length)
        {
            position = 0;
            count = 0;
            return false;
        }

        _position += (int)Read() + 1;
        position = _position;
        count = (long)Read();
        return true;
    }

    private ulong Read()
    {
        ulong value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = _data[_offset++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }
}
