using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace SelfHealing.Optimization;

/// <summary>
/// The covariance matrix adaptation evolution strategy (CMA-ES, Hansen's standard formulation) with IPOP restarts, over
/// the same <see cref="GeneDefinition"/>s as the <see cref="GeneticOptimizer"/>, maximizing a fitness. Each generation
/// samples candidates from a multivariate normal distribution, and moves its mean, its step size (cumulative step-size
/// adaptation) and its full covariance (rank-one and rank-μ updates) toward the best of them, so it learns the scale
/// and the correlations of the problem; when it has converged or stalls before the budget is spent it starts again
/// from a random point with twice the population. Genes are searched on their range scaled to [0, 1]; candidates
/// outside are reflected back inside; whole, boolean and categorical genes are rounded to a legal value when evaluated.
/// </summary>
public sealed class CmaEsOptimizer
{
    private readonly GeneDefinition[] _genes;
    private readonly Func<Chromosome, CancellationToken, ValueTask<double>> _fitness;
    private readonly CmaEsOptions _options;
    private readonly Random _random;
    private readonly List<double> _bestByGeneration = [];

    /// <summary>Creates an optimizer.</summary>
    /// <param name="genes">The genes, in chromosome order; names must be unique.</param>
    /// <param name="fitness">Evaluates a chromosome; higher is better.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">No gene, two genes of one name, or an option out of range (each named).</exception>
    public CmaEsOptimizer(IEnumerable<GeneDefinition> genes, Func<Chromosome, CancellationToken, ValueTask<double>> fitness, CmaEsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        _genes = GeneSet.Checked(genes, nameof(genes));
        _options = (options ?? new CmaEsOptions()).Copy();
        _options.ThrowIfInvalid();
        _fitness = fitness;
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Creates an optimizer with a synchronous fitness function.</summary>
    /// <param name="genes">The genes.</param>
    /// <param name="fitness">Evaluates a chromosome; higher is better.</param>
    /// <param name="options">The options.</param>
    public CmaEsOptimizer(IEnumerable<GeneDefinition> genes, Func<Chromosome, double> fitness, CmaEsOptions? options = null)
        : this(genes, GeneSet.Wrap(fitness), options)
    {
    }

    /// <summary>Gets the genes.</summary>
    public IReadOnlyList<GeneDefinition> Genes => _genes;

    /// <summary>Gets the best chromosome evaluated so far; <see langword="null"/> before the first generation.</summary>
    public Chromosome? Best { get; private set; }

    /// <summary>Gets how many evaluations have been made.</summary>
    public long Evaluations { get; private set; }

    /// <summary>Gets how many generations have been sampled, restarts included.</summary>
    public int Generation { get; private set; }

    /// <summary>Gets how many times the search started again.</summary>
    public int Restarts { get; private set; }

    /// <summary>Runs until the budget is spent, the target is reached, or the last restart has converged.</summary>
    /// <param name="cancellationToken">Stops the run between generations.</param>
    /// <returns>The best chromosome, the generations and evaluations used, and why it stopped.</returns>
    /// <exception cref="InvalidOperationException">The fitness returned a value that is not a finite number.</exception>
    public async Task<OptimizationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        int lambda = _options.PopulationSize > 0 ? _options.PopulationSize : 4 + (int)(3 * Math.Log(_genes.Length));
        TerminationReason reason = TerminationReason.Evaluations;
        for (int run = 0; run <= _options.MaxRestarts; run++)
        {
            Restarts = run;
            var search = new Search(_genes.Length, lambda, _options.InitialStepSize, _random);
            bool converged = await SearchAsync(search, cancellationToken).ConfigureAwait(false);
            if (Reached())
            {
                reason = TerminationReason.TargetFitness;
                break;
            }

            if (!converged || Evaluations >= _options.MaxEvaluations)
            {
                reason = TerminationReason.Evaluations;
                break;
            }

            reason = TerminationReason.Stagnation;
            lambda *= 2;
        }

        return new OptimizationResult(Best!, Generation, Evaluations, reason, [.. _bestByGeneration]);
    }

    /// <summary>The genes' values in a chromosome: <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or the option's text.</summary>
    /// <param name="chromosome">A chromosome of this optimizer.</param>
    /// <returns>Gene name → value.</returns>
    public IReadOnlyDictionary<string, object> Decode(Chromosome chromosome) => GeneSet.Decode(_genes, chromosome);

    private bool Reached() => _options.TargetFitness is { } target && Best is not null && Best.Fitness >= target;

    // One run from a random start: true when it converged or stalled (a restart may help), false when the budget ran out.
    private async Task<bool> SearchAsync(Search search, CancellationToken cancellationToken)
    {
        int n = _genes.Length;
        var candidates = new double[search.Lambda][];
        var steps = new double[search.Lambda][];
        var fitness = new double[search.Lambda];
        while (Evaluations < _options.MaxEvaluations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(search.Lambda, _options.MaxEvaluations - Evaluations);
            for (int k = 0; k < search.Lambda; k++)
            {
                (candidates[k], steps[k]) = search.Sample(_random);
            }

            await EvaluateAsync(candidates, fitness, count, cancellationToken).ConfigureAwait(false);
            Generation++;
            _bestByGeneration.Add(Best!.Fitness);
            if (count < search.Lambda || Reached())
            {
                return false;
            }

            // Best first: higher fitness.
            int[] order = [.. Enumerable.Range(0, search.Lambda).OrderByDescending(k => fitness[k])];
            search.Update(steps, order);
            search.Remember(fitness[order[0]], fitness[order[^1]]);
            if (search.Converged(n))
            {
                return true;
            }
        }

        return false;
    }

    private async Task EvaluateAsync(double[][] candidates, double[] fitness, int count, CancellationToken cancellationToken)
    {
        var chromosomes = new Chromosome[count];
        for (int k = 0; k < count; k++)
        {
            var values = new double[_genes.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = _genes[i].Legal(_genes[i].Minimum + (candidates[k][i] * _genes[i].Range));
            }

            chromosomes[k] = new Chromosome(values);
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
            async (k, ct) =>
            {
                double f = await _fitness(chromosomes[k], ct).ConfigureAwait(false);
                if (!double.IsFinite(f))
                {
                    throw new InvalidOperationException($"The fitness of [{string.Join(", ", chromosomes[k].Genes)}] is {f}; allowed: a finite number.");
                }

                fitness[k] = f;
            }).ConfigureAwait(false);

        // Recorded in candidate order, so the run does not depend on which evaluation ended first.
        for (int k = 0; k < count; k++)
        {
            chromosomes[k].Record(fitness[k]);
            Evaluations++;
            if (Best is null || fitness[k] > Best.Fitness)
            {
                Best = chromosomes[k];
            }
        }

        for (int k = count; k < fitness.Length; k++)
        {
            fitness[k] = double.NegativeInfinity;
        }
    }


    /// <summary>The state of one run: mean, step size, covariance and its eigen decomposition, evolution paths.</summary>
    private sealed class Search
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
        private Matrix<double> _c;
        private Matrix<double> _b;
        private double[] _d;
        private double _sigma;
        private int _generation;
        private double _lastRange = double.PositiveInfinity;

        public Search(int n, int lambda, double sigma, Random random)
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
            _mean = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
            _pSigma = new double[n];
            _pc = new double[n];
            _c = Matrix<double>.Build.DenseIdentity(n);
            _b = Matrix<double>.Build.DenseIdentity(n);
            _d = [.. Enumerable.Repeat(1.0, n)];
            _sigma = sigma;
        }

        public int Lambda { get; }

        /// <summary>A candidate in [0, 1]^n (reflected at the bounds) and the step that reached it, in units of σ.</summary>
        public (double[] Candidate, double[] Step) Sample(Random random)
        {
            var z = new double[_n];
            for (int i = 0; i < _n; i++)
            {
                z[i] = _d[i] * Normal(random);
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

        public void Remember(double best, double worst)
        {
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
                || (flat <= 1e-12 * Math.Max(1, scale) && _lastRange <= 1e-12 * Math.Max(1, scale))
                || _d.Max() / Math.Max(_d.Min(), 1e-300) > 1e7
                || !double.IsFinite(_sigma);
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

        private static double Normal(Random random)
        {
            double u1 = 1 - random.NextDouble();
            double u2 = random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
