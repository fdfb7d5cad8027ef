namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// The geometry shared by <see cref="QuantileSketch"/> and <see cref="SketchSnapshot"/>: logarithmic buckets
/// whose bounds grow by <c>gamma = (1 + a) / (1 - a)</c>, so any value in a bucket is within a relative error
/// <c>a</c> of the bucket's representative value. Bucket <c>i</c> holds magnitudes in (gamma^(i-1), gamma^i].
/// </summary>
internal sealed class LogBuckets
{
    private const int MaxCellBits = 10; // finer geometries (accuracy under 0.1%) fall back to the logarithm

    private readonly double _inverseLogGamma; // a multiplication costs a fraction of a division
    private readonly int _cellShift;
    private readonly long _firstCell;
    private readonly int[]? _cellIndex;
    private readonly double[]? _cellUpper;

    public LogBuckets(double relativeAccuracy, double minMagnitude, double maxMagnitude)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be greater than 0 and less than 1.");
        }

        if (!(minMagnitude > 0 && maxMagnitude > minMagnitude && double.IsFinite(maxMagnitude)))
        {
            throw new ArgumentOutOfRangeException(nameof(minMagnitude), minMagnitude, $"The magnitudes must satisfy 0 < min < max < infinity; max is {maxMagnitude}.");
        }

        Gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        LogGamma = Math.Log(Gamma);
        _inverseLogGamma = 1 / LogGamma;
        MinIndex = RawIndex(minMagnitude);
        MaxIndex = RawIndex(maxMagnitude);
        MinMagnitude = minMagnitude;
        MaxMagnitude = maxMagnitude;

        // The index table: the top bits of a double (exponent and first mantissa bits) name a cell narrower than
        // a bucket, so a cell holds values of at most two neighbouring buckets; it keeps the lower one and the
        // largest value that still belongs to it. A lookup and a comparison then give exactly what the
        // logarithm gives, for a fraction of its cost.
        int bits = Math.Max(1, (int)Math.Ceiling(Math.Log2(1 / (Gamma - 1))) + 1);
        if (bits <= MaxCellBits)
        {
            _cellShift = 52 - bits;
            _firstCell = BitConverter.DoubleToInt64Bits(minMagnitude) >> _cellShift;
            int cells = (int)((BitConverter.DoubleToInt64Bits(maxMagnitude) >> _cellShift) - _firstCell + 1);
            _cellIndex = new int[cells];
            _cellUpper = new double[cells];
            for (int c = 0; c < cells; c++)
            {
                double low = Math.Max(minMagnitude, BitConverter.Int64BitsToDouble((_firstCell + c) << _cellShift));
                int index = RawIndex(low);
                double upper = Math.Exp(index * LogGamma);
                while (RawIndex(upper) > index)
                {
                    upper = Math.BitDecrement(upper);
                }

                while (RawIndex(Math.BitIncrement(upper)) == index)
                {
                    upper = Math.BitIncrement(upper);
                }

                _cellIndex[c] = index - MinIndex; // stored relative: what a sketch indexes its counters with
                _cellUpper[c] = upper;
            }
        }
    }

    public double Gamma { get; }

    public double LogGamma { get; }

    /// <summary>Gets the index of the bucket holding <see cref="MinMagnitude"/>; smaller magnitudes are counted there.</summary>
    public int MinIndex { get; }

    /// <summary>Gets the index of the bucket holding <see cref="MaxMagnitude"/>; larger magnitudes are counted there.</summary>
    public int MaxIndex { get; }

    public double MinMagnitude { get; }

    public double MaxMagnitude { get; }

    /// <summary>Gets how many buckets one sign needs.</summary>
    public int Length => MaxIndex - MinIndex + 1;

    /// <summary>The bucket of a positive magnitude, clamped to the tracked range.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int IndexOf(double magnitude)
    {
        int relative = RelativeIndexInRange(magnitude);
        return relative >= 0 ? relative + MinIndex : IndexByLogarithm(magnitude);
    }

    /// <summary>The bucket of a magnitude within the tracked range, relative to <see cref="MinIndex"/>; -1 outside the range (or NaN).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int RelativeIndexInRange(double magnitude)
    {
        if (!(magnitude >= MinMagnitude && magnitude <= MaxMagnitude))
        {
            return -1;
        }

        if (_cellIndex is null)
        {
            return RawIndex(magnitude) - MinIndex;
        }

        int cell = (int)((BitConverter.DoubleToInt64Bits(magnitude) >> _cellShift) - _firstCell);
        int index = _cellIndex[cell];
        return magnitude <= _cellUpper![cell] ? index : index + 1;
    }

    /// <summary>The bucket of a positive magnitude computed with the logarithm, clamped (what <see cref="IndexOf"/> matches).</summary>
    public int IndexByLogarithm(double magnitude) => Math.Clamp(RawIndex(magnitude), MinIndex, MaxIndex);

    /// <summary>The value reported for a bucket: within the relative accuracy of every magnitude it holds.</summary>
    public double ValueOf(int index) => 2.0 * Math.Exp(index * LogGamma) / (Gamma + 1);

    /// <summary>Gets how many positions a sketch of this geometry orders its buckets in: both signs and zero.</summary>
    public int PositionCount => (2 * Length) + 1;

    /// <summary>
    /// The value a position stands for. Positions order buckets by value: negative bucket <c>i</c> (relative to
    /// <see cref="MinIndex"/>) at <c>Length - 1 - i</c>, zero at <c>Length</c>, positive bucket <c>i</c> at
    /// <c>Length + 1 + i</c>.
    /// </summary>
    public double ValueAtPosition(int position) =>
        position < Length ? -ValueOf(Length - 1 - position + MinIndex)
        : position == Length ? 0
        : ValueOf(position - Length - 1 + MinIndex);

    public bool SameAs(LogBuckets other) =>
        ReferenceEquals(this, other) || (Gamma.Equals(other.Gamma) && MinIndex == other.MinIndex && MaxIndex == other.MaxIndex);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int RawIndex(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) * _inverseLogGamma);
}
