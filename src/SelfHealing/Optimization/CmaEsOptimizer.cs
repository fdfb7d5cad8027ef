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
    private readonly List<Chromosome> _top = [];
    private long _searchBudget;
    private double[]? _lastMean;

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

    /// <summary>
    /// Gets the best chromosome evaluated so far (by its measurement); after the run, the race's winner with its
    /// re-measured fitness when racing is on. <see langword="null"/> before the first generation.
    /// </summary>
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
        long reserve = _options.RaceCandidates > 0 ? (long)(_options.MaxEvaluations * _options.RaceBudget) : 0;
        _searchBudget = Math.Max(1, _options.MaxEvaluations - reserve);
        TerminationReason reason = TerminationReason.Evaluations;
        for (int run = 0; run <= _options.MaxRestarts; run++)
        {
            Restarts = run;
            var search = new CmaEsSearch(_genes.Length, lambda, _options.InitialStepSize, _random);
            bool converged = await SearchAsync(search, cancellationToken).ConfigureAwait(false);
            if (Reached())
            {
                reason = TerminationReason.TargetFitness;
                break;
            }

            if (!converged || Evaluations >= _searchBudget)
            {
                reason = TerminationReason.Evaluations;
                break;
            }

            reason = TerminationReason.Stagnation;
            lambda *= 2;
        }

        double? error = null;
        long left = _options.MaxEvaluations - Evaluations;
        if (_options.RaceCandidates > 0 && left > 0)
        {
            // The race: the best candidates and the search's final mean, measured afresh.
            List<Chromosome> racers = [.. _top];
            if (_lastMean is { } mean && GeneSet.FromUnit(_genes, mean) is { } center && !racers.Any(r => r.Genes.SequenceEqual(center.Genes)))
            {
                racers.Add(center); // unmeasured: the race measures it like the others
            }

            (Chromosome winner, double? standardError, long used) = await CandidateRace.RunAsync(racers, _fitness, left, _options.MaxParallelism, cancellationToken).ConfigureAwait(false);
            Evaluations += used;
            Best = winner;
            error = standardError;
        }

        return new OptimizationResult(Best!, Generation, Evaluations, reason, [.. _bestByGeneration]) { StandardError = error };
    }

    /// <summary>The genes' values in a chromosome: <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or the option's text.</summary>
    /// <param name="chromosome">A chromosome of this optimizer.</param>
    /// <returns>Gene name → value.</returns>
    public IReadOnlyDictionary<string, object> Decode(Chromosome chromosome) => GeneSet.Decode(_genes, chromosome);

    // The best distinct candidates by their measurement, for the race.
    private void Keep(Chromosome candidate)
    {
        int limit = _options.RaceCandidates;
        if (limit == 0 || (_top.Count == limit && candidate.Fitness <= _top[^1].Fitness) || _top.Any(t => t.Genes.SequenceEqual(candidate.Genes)))
        {
            return;
        }

        int at = _top.FindIndex(t => candidate.Fitness > t.Fitness);
        _top.Insert(at < 0 ? _top.Count : at, candidate);
        if (_top.Count > limit)
        {
            _top.RemoveAt(_top.Count - 1);
        }
    }

    private bool Reached() => _options.TargetFitness is { } target && Best is not null && Best.Fitness >= target;

    // One run from a random start: true when it converged or stalled (a restart may help), false when the budget ran out.
    private async Task<bool> SearchAsync(CmaEsSearch search, CancellationToken cancellationToken)
    {
        int n = _genes.Length;
        var candidates = new double[search.Lambda][];
        var steps = new double[search.Lambda][];
        var fitness = new double[search.Lambda];
        while (Evaluations < _searchBudget)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(search.Lambda, _searchBudget - Evaluations);
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
            search.Remember(fitness[order[0]], fitness[order[order.Length / 2]], fitness[order[^1]]);
            _lastMean = search.Mean;
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
            chromosomes[k] = GeneSet.FromUnit(_genes, candidates[k]);
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

            Keep(chromosomes[k]);
        }

        for (int k = count; k < fitness.Length; k++)
        {
            fitness[k] = double.NegativeInfinity;
        }
    }
}
