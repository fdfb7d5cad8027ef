using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace SelfHealing.Optimization;

/// <summary>The state of one run: mean, step size, covariance and its eigen decomposition, evolution paths.</summary>
internal sealed class CmaEsSearch
{
    private readonly int _n;
    private readonly double[] _weights;
    private readonly double _muEff;
    private readonly double _cSigma;
    private readonly double _dSigma;
    private readonly double _cc;
    private readonly double _c1;
    private readonly double _cMu;
    private readonly double _chiN;
    private readonly int _eigenEvery;
    private readonly double[] _mean;
    private readonly double[] _pSigma;
    private readonly double[] _pc;
    private readonly Queue<double> _recentBest = new();
    private readonly int _historyLength;
    private readonly int _stagnationLength;
    private readonly Queue<double> _bests = new();
    private readonly Queue<double> _medians = new();
    private Matrix<double> _c;
    private Matrix<double> _b;
    private double[] _d;
    private double _sigma;
    private int _generation;
    private double _lastRange = double.PositiveInfinity;

    public CmaEsSearch(int n, int lambda, double sigma, Random random, double[]? start = null)
    {
        _n = n;
        Lambda = lambda;
        int mu = lambda / 2;
        _weights = [.. Enumerable.Range(1, mu).Select(i => Math.Log(mu + 0.5) - Math.Log(i))];
        double sum = _weights.Sum();
        for (int i = 0; i < mu; i++)
        {
            _weights[i] /= sum;
        }

        _muEff = 1 / _weights.Sum(w => w * w);
        _cSigma = (_muEff + 2) / (n + _muEff + 5);
        _dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1)) + _cSigma;
        _cc = (4 + (_muEff / n)) / (n + 4 + (2 * _muEff / n));
        _c1 = 2 / (((n + 1.3) * (n + 1.3)) + _muEff);
        _cMu = Math.Min(1 - _c1, 2 * (_muEff - 2 + (1 / _muEff)) / (((n + 2) * (n + 2)) + _muEff));
        _chiN = Math.Sqrt(n) * (1 - (1.0 / (4 * n)) + (1.0 / (21.0 * n * n)));
        _eigenEvery = Math.Max(1, (int)(1 / ((_c1 + _cMu) * n * 10)));
        _historyLength = 10 + (int)Math.Ceiling(30.0 * n / lambda);
        _stagnationLength = 100 + (int)Math.Ceiling(100 * Math.Pow(n, 1.5) / lambda);
        _mean = start is null ? [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())] : [.. start];
        _pSigma = new double[n];
        _pc = new double[n];
        _c = Matrix<double>.Build.DenseIdentity(n);
        _b = Matrix<double>.Build.DenseIdentity(n);
        _d = [.. Enumerable.Repeat(1.0, n)];
        _sigma = sigma;
    }

    public int Lambda { get; }

    public double[] Mean => (double[])_mean.Clone();

    /// <summary>Gets the step size σ (a share of each gene's range, before the covariance's scaling).</summary>
    public double Sigma => _sigma;

    /// <summary>
    /// Keeps a discrete coordinate able to change (a margin): when the mean sits deeper than <paramref name="z"/>
    /// standard deviations inside the cell of values that round alike, it is moved toward the cell's nearest inner edge
    /// (staying inside it), so a candidate crosses into the next value with at least the probability that
    /// <paramref name="z"/> stands for.
    /// </summary>
    /// <param name="i">The coordinate.</param>
    /// <param name="cellLow">The cell's lower edge (0 or below when the cell reaches the domain's lower end).</param>
    /// <param name="cellHigh">The cell's upper edge (1 or above when it reaches the upper end).</param>
    /// <param name="z">How many standard deviations an edge may be away at most.</param>
    public void KeepMargin(int i, double cellLow, double cellHigh, double z)
    {
        double reach = z * _sigma * Math.Sqrt(Math.Max(_c[i, i], 0));
        double inner = 1e-9;
        if (cellHigh < 1 && cellHigh - _mean[i] > reach)
        {
            _mean[i] = Math.Max(_mean[i], cellHigh - reach);
        }

        if (cellLow > 0 && _mean[i] - cellLow > reach)
        {
            _mean[i] = Math.Min(_mean[i], cellLow + reach);
        }

        _mean[i] = Math.Clamp(_mean[i], Math.Max(cellLow, 0) + inner, Math.Min(cellHigh, 1) - inner);
    }

    /// <summary>Keeps the widest standard deviation of a step at least <paramref name="floor"/> (a search that must keep tracking a moving optimum).</summary>
    public void KeepStepAtLeast(double floor)
    {
        double widest = 0;
        for (int i = 0; i < _n; i++)
        {
            widest = Math.Max(widest, _sigma * Math.Sqrt(Math.Max(_c[i, i], 0)));
        }

        if (widest < floor && widest > 0)
        {
            _sigma *= floor / widest;
        }
    }

    /// <summary>A candidate in [0, 1]^n (reflected at the bounds) and the step that reached it, in units of σ.</summary>
    public (double[] Candidate, double[] Step) Sample(Random random)
    {
        var z = new double[_n];
        for (int i = 0; i < _n; i++)
        {
            z[i] = _d[i] * GeneSet.Normal(random);
        }

        var x = new double[_n];
        var step = new double[_n];
        for (int i = 0; i < _n; i++)
        {
            double y = 0;
            for (int j = 0; j < _n; j++)
            {
                y += _b[i, j] * z[j];
            }

            x[i] = Reflect(_mean[i] + (_sigma * y));
            step[i] = (x[i] - _mean[i]) / _sigma;
        }

        return (x, step);
    }

    /// <summary>Moves the mean, the paths, the covariance and the step size toward the best candidates (<paramref name="order"/>, best first).</summary>
    public void Update(double[][] steps, int[] order)
    {
        int mu = _weights.Length;
        var yw = new double[_n];
        for (int k = 0; k < mu; k++)
        {
            for (int i = 0; i < _n; i++)
            {
                yw[i] += _weights[k] * steps[order[k]][i];
            }
        }

        for (int i = 0; i < _n; i++)
        {
            _mean[i] += _sigma * yw[i];
        }

        // C^-1/2 yw = B D^-1 B^T yw
        var bt = new double[_n];
        for (int j = 0; j < _n; j++)
        {
            double s = 0;
            for (int i = 0; i < _n; i++)
            {
                s += _b[i, j] * yw[i];
            }

            bt[j] = s / _d[j];
        }

        double norm = 0;
        for (int i = 0; i < _n; i++)
        {
            double s = 0;
            for (int j = 0; j < _n; j++)
            {
                s += _b[i, j] * bt[j];
            }

            _pSigma[i] = ((1 - _cSigma) * _pSigma[i]) + (Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff) * s);
            norm += _pSigma[i] * _pSigma[i];
        }

        norm = Math.Sqrt(norm);
        _generation++;
        bool hSigma = norm / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * _generation)) < (1.4 + (2.0 / (_n + 1))) * _chiN;
        for (int i = 0; i < _n; i++)
        {
            _pc[i] = ((1 - _cc) * _pc[i]) + (hSigma ? Math.Sqrt(_cc * (2 - _cc) * _muEff) * yw[i] : 0);
        }

        double keep = 1 - _c1 - _cMu + (hSigma ? 0 : _c1 * _cc * (2 - _cc));
        for (int i = 0; i < _n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < mu; k++)
                {
                    double[] y = steps[order[k]];
                    rankMu += _weights[k] * y[i] * y[j];
                }

                double value = (keep * _c[i, j]) + (_c1 * _pc[i] * _pc[j]) + (_cMu * rankMu);
                _c[i, j] = value;
                _c[j, i] = value;
            }
        }

        _sigma *= Math.Exp(Math.Min(1, (_cSigma / _dSigma) * ((norm / _chiN) - 1)));
        if (_generation % _eigenEvery == 0)
        {
            Decompose();
        }
    }

    public void Remember(double best, double median, double worst)
    {
        _bests.Enqueue(best);
        _medians.Enqueue(median);
        if (_bests.Count > _stagnationLength)
        {
            _bests.Dequeue();
            _medians.Dequeue();
        }

        _recentBest.Enqueue(best);
        if (_recentBest.Count > _historyLength)
        {
            _recentBest.Dequeue();
        }

        _lastRange = Math.Abs(best - worst);
    }

    /// <summary>Whether the run has converged or stalled: steps negligible, fitness flat, or the covariance ill-conditioned.</summary>
    public bool Converged(int n)
    {
        double maxStd = 0;
        for (int i = 0; i < n; i++)
        {
            maxStd = Math.Max(maxStd, _sigma * Math.Sqrt(Math.Max(_c[i, i], 0)));
        }

        double flat = _recentBest.Count >= _historyLength ? _recentBest.Max() - _recentBest.Min() : double.PositiveInfinity;
        double scale = Math.Max(1e-300, Math.Abs(_recentBest.LastOrDefault()));
        return maxStd < 1e-12
            || Stagnated()
            || (flat <= 1e-12 * Math.Max(1, scale) && _lastRange <= 1e-12 * Math.Max(1, scale))
            || _d.Max() / Math.Max(_d.Min(), 1e-300) > 1e7
            || !double.IsFinite(_sigma);
    }

    // No progress over the stagnation length: the median of the last fifth of the generations' best and median values
    // is no better than that of the first fifth (so a noisy search that wanders at its noise level counts as stalled).
    private bool Stagnated()
    {
        if (_bests.Count < _stagnationLength)
        {
            return false;
        }

        int fifth = Math.Max(1, _stagnationLength / 5);
        return !(MedianOf(_bests.TakeLast(fifth)) > MedianOf(_bests.Take(fifth))) && !(MedianOf(_medians.TakeLast(fifth)) > MedianOf(_medians.Take(fifth)));
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private void Decompose()
    {
        Evd<double> evd = _c.Evd(Symmetricity.Symmetric);
        _b = evd.EigenVectors;
        _d = [.. evd.EigenValues.Select(e => Math.Sqrt(Math.Max(e.Real, 1e-300)))];
    }

    // Reflects a coordinate into [0, 1] (a long step is folded as often as needed).
    private static double Reflect(double x)
    {
        double folded = x % 2;
        folded = folded < 0 ? folded + 2 : folded;
        return folded <= 1 ? folded : 2 - folded;
    }
}
