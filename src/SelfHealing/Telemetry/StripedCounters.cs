namespace SelfHealing.Telemetry;

/// <summary>
/// A few running totals counted from many threads at once: each core counts into its own stripe, on cache lines of its
/// own, so calls on different cores do not pass one line back and forth (one shared counter did, on every call); a
/// read adds the stripes up. Nothing is allocated after construction.
/// </summary>
internal sealed class StripedCounters
{
    // Longs in a 64-byte cache line: a stripe is a whole number of lines, and a line's worth of padding leads the array.
    private const int Line = 8;
    private const int MaxStripes = 16;
    private readonly long[] _counts;
    private readonly int _width;
    private readonly int _mask;

    /// <param name="counters">How many totals.</param>
    public StripedCounters(int counters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(counters, 1);
        int stripes = (int)Math.Min(MaxStripes, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _width = (counters + Line - 1) / Line * Line;
        _mask = stripes - 1;
        _counts = new long[Line + (stripes * _width) + Line];
    }

    /// <summary>Adds one to the total <paramref name="counter"/>.</summary>
    public void Increment(int counter) =>
        Interlocked.Increment(ref _counts[Line + ((Thread.GetCurrentProcessorId() & _mask) * _width) + counter]);

    /// <summary>The total <paramref name="counter"/> so far.</summary>
    public long Read(int counter)
    {
        long total = 0;
        for (int at = Line + counter; at < _counts.Length - Line; at += _width)
        {
            total += Volatile.Read(ref _counts[at]);
        }

        return total;
    }
}
