namespace SelfHealing.Metrics.Sketches;

/// <summary>
/// The geometry shared by <see cref="QuantileSketch"/> and <see cref="SketchSnapshot"/>: logarithmic buckets
/// whose bounds grow by <c>gamma = (1 + a) / (1 - a)</c>, so any value in a bucket is within a relative error
/// <c>a</c> of the bucket's representative value. Bucket <c>i</c> holds magnitudes in (gamma^(i-1), gamma^i].
/// </summary>
internal sealed class LogBuckets
{
    private readonly double _inverseLogGamma; // a multiplication costs a fraction of a division on the hot path

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
    public int IndexOf(double magnitude) => Math.Clamp(RawIndex(magnitude), MinIndex, MaxIndex);

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
