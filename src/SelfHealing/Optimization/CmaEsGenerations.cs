namespace SelfHealing.Optimization;

/// <summary>
/// CMA-ES driven a generation at a time for the online optimizer: the search starts at the configuration in force with
/// a small step (candidates first near what runs), each generation measures the current center (the configuration
/// promoted last, so its score is tracked) and the sampled candidates, then moves the center toward the best of them;
/// the new center is what is promoted. The step never shrinks below a floor, so the search keeps following an optimum
/// that moves with the workload.
/// </summary>
internal sealed class CmaEsGenerations : IGenerationalSearch
{
    private readonly GeneDefinition[] _genes;
    private readonly Func<Chromosome, CancellationToken, ValueTask<double>> _fitness;
    private readonly Random _random;
    private readonly int _lambda;
    private readonly double _initialStep;
    private readonly double _minimumStep;
    private CmaEsSearch? _search;
    private readonly double[] _start;
    private List<Chromosome> _population = [];
    private double _lowestLast = double.NegativeInfinity;

    public CmaEsGenerations(IReadOnlyList<GeneDefinition> genes, Func<Chromosome, CancellationToken, ValueTask<double>> fitness, double[] start, int populationSize, double initialStep, double minimumStep, int? seed)
    {
        _genes = [.. genes];
        _fitness = fitness;
        _random = seed is { } s ? new Random(s) : new Random();
        _lambda = populationSize > 0 ? populationSize : 4 + (int)(3 * Math.Log(_genes.Length));
        _initialStep = initialStep;
        _minimumStep = minimumStep;
        _start = GeneSet.ToUnit(_genes, start);
    }

    public int Generation { get; private set; } = -1;

    public IReadOnlyList<Chromosome> Population => _population;

    /// <summary>Gets the center's measurement this generation (the configuration promoted last), NaN before the first.</summary>
    public double RunningFitness { get; private set; } = double.NaN;

    public bool ShouldEvolve() => true;

    public async Task<Chromosome> EvolveAsync(CancellationToken cancellationToken)
    {
        _search ??= new CmaEsSearch(_genes.Length, _lambda, _initialStep, _random, _start);
        Chromosome center = GeneSet.FromUnit(_genes, _search.Mean);
        center.Record(await _fitness(center, cancellationToken).ConfigureAwait(false));
        RunningFitness = center.Fitness;
        if (center.Fitness < _lowestLast)
        {
            // What runs now scores below every candidate tried around it last generation: the workload moved the
            // optimum. Search again from here with the initial step, the learnt shape forgotten.
            _search = new CmaEsSearch(_genes.Length, _lambda, _initialStep, _random, _search.Mean);
        }

        var steps = new double[_lambda][];
        var fitness = new double[_lambda];
        var candidates = new Chromosome[_lambda];
        for (int k = 0; k < _lambda; k++)
        {
            (double[] point, steps[k]) = _search.Sample(_random);
            candidates[k] = GeneSet.FromUnit(_genes, point);
            fitness[k] = await _fitness(candidates[k], cancellationToken).ConfigureAwait(false);
            candidates[k].Record(fitness[k]);
        }

        int[] order = [.. Enumerable.Range(0, _lambda).OrderByDescending(k => fitness[k])];
        _search.Update(steps, order);
        _search.Remember(fitness[order[0]], fitness[order[order.Length / 2]], fitness[order[^1]]);
        _lowestLast = fitness[order[^1]];
        _search.KeepStepAtLeast(_minimumStep);
        KeepMargins(_search);

        // The new center, estimated by the candidates it was recombined from (it is measured first next generation).
        Chromosome next = GeneSet.FromUnit(_genes, _search.Mean);
        int mu = _lambda / 2;
        next.Record(order.Take(mu).Average(k => fitness[k]));
        _population = [next, center, .. order.Select(k => candidates[k])];
        Generation++;
        return next;
    }

    // Discrete genes (whole, boolean, categorical) keep a chance to change value: at least 1 / (genes x population) per
    // candidate, as the margin of CMA-ES with margin does; without it a boolean starting at false would rarely be tried.
    private void KeepMargins(CmaEsSearch search)
    {
        double alpha = Math.Min(0.2, 1.0 / (_genes.Length * _lambda));
        double z = NormalQuantile(1 - alpha);
        double[] mean = search.Mean;
        for (int i = 0; i < _genes.Length; i++)
        {
            GeneDefinition gene = _genes[i];
            if (gene.Kind == GeneKind.Real || gene.Range <= 0)
            {
                continue;
            }

            // Values round to the nearest whole step: the cell of the mean's value, in [0, 1] coordinates.
            double value = Math.Round(Math.Clamp(mean[i], 0, 1) * gene.Range);
            double low = value <= 0 ? 0 : (value - 0.5) / gene.Range;
            double high = value >= gene.Range ? 1 : (value + 0.5) / gene.Range;
            search.KeepMargin(i, low, high, z);
        }
    }

    // The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 for p in (0, 1)).
    private static double NormalQuantile(double p)
    {
        double q = Math.Sqrt(-2 * Math.Log(Math.Min(p, 1 - p)));
        double x = (((((-7.784894002430293e-03 * q) - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00;
        x /= ((((7.784695709041462e-03 * q) + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1;
        return p < 0.5 ? x : -x;
    }

}
