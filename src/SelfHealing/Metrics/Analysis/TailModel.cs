namespace SelfHealing.Metrics.Analysis;

/// <summary>
/// How rare a non-negative surprise is, judged against the surprises the series has shown before: a histogram on a
/// logarithmic grid (two bins per doubling, 2^-6 to 2^17) with exponential forgetting gives the empirical tail, and
/// past its top 2 % an exponential tail fitted to the mean excess extrapolates (peaks over threshold, as in extreme
/// value theory). A surprise larger than any seen before is given the probability of a first occurrence times the
/// fitted decay, never zero. The fit is refreshed every few additions; fixed memory, no allocation per value.
/// </summary>
internal sealed class TailModel
{
    internal const int Bins = 48;
    private const double BinsPerDoubling = 2;
    private const double LowestLog2 = -6;
    private const double TailFraction = 0.02;
    private const int RefitEvery = 8;

    private readonly float[] _mass = new float[Bins];
    private readonly float[] _sum = new float[Bins];
    private readonly double _growth;
    private double _weight = 1;
    private double _total;
    private int _sinceFit = RefitEvery;
    private double _threshold;
    private double _tail;
    private double _decay;

    /// <param name="horizon">Observations after which an old surprise weighs 1/e of a new one.</param>
    public TailModel(int horizon) => _growth = 1.0 / (1.0 - (1.0 / horizon));

    /// <summary>Gets how many surprises have been added.</summary>
    public long Count { get; private set; }

    /// <summary>The probability of a surprise at least as large as <paramref name="z"/> (judged before it is added).</summary>
    public double TailProbability(double z)
    {
        if (_total <= 0)
        {
            return 1;
        }

        if (_sinceFit >= RefitEvery)
        {
            Fit();
        }

        if (z < _threshold)
        {
            int bin = Bin(z);
            double above = 0.5 * _mass[bin];
            for (int b = bin + 1; b < Bins; b++)
            {
                above += _mass[b];
            }

            return Math.Min(1, above / _total);
        }

        return Math.Min(1, _tail * Math.Exp(-(z - _threshold) / _decay));
    }

    /// <summary>Adds a surprise to the history; <paramref name="weight"/> scales how much it counts.</summary>
    public void Add(double z, double weight = 1)
    {
        int bin = Bin(z);
        double w = _weight * weight;
        _mass[bin] += (float)w;
        _sum[bin] += (float)(w * z);
        _total += w;
        _weight *= _growth;
        _sinceFit++;
        Count++;
        if (_weight > 1e20)
        {
            float factor = (float)(1 / _weight);
            for (int b = 0; b < Bins; b++)
            {
                _mass[b] *= factor;
                _sum[b] *= factor;
            }

            _total *= factor;
            _weight = 1;
        }
    }

    private void Fit()
    {
        _sinceFit = 0;
        // The threshold u is the lower edge of the lowest bin that still lies in the top tail fraction.
        double limit = TailFraction * _total;
        double tailMass = 0;
        double tailSum = 0;
        int top = Bins - 1;
        while (top > 0 && tailMass + _mass[top] <= limit)
        {
            tailMass += _mass[top];
            tailSum += _sum[top];
            top--;
        }

        _threshold = LowerEdge(top + 1);
        _tail = (tailMass + _weight) / (_total + _weight);
        double excess = tailMass > 0 ? (tailSum / tailMass) - _threshold : 0;
        _decay = Math.Max(excess, Math.Max(0.25 * _threshold, 0.05));
    }

    private static int Bin(double z)
    {
        if (!(z > 0))
        {
            return 0;
        }

        double position = (Math.Log2(z) - LowestLog2) * BinsPerDoubling;
        return position < 0 ? 0 : (int)Math.Min(Bins - 1, 1 + position);
    }

    private static double LowerEdge(int bin) => bin <= 0 ? 0 : Math.Pow(2, LowestLog2 + ((bin - 1) / BinsPerDoubling));
}
