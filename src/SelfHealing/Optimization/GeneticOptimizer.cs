namespace SelfHealing.Optimization;

/// <summary>
/// A genetic algorithm over boolean, whole, real and categorical genes, maximizing a fitness function: elitism,
/// pluggable selection, crossover and mutation, rates that adapt to the population's diversity, constraints with
/// repair or penalty, parallel evaluation, re-evaluation of elites for noisy fitness, and a seeded random source
/// (operators run on one thread, so a seeded run with a deterministic fitness repeats exactly).
/// Drive it a generation at a time (<see cref="EvolveAsync"/> while <see cref="ShouldEvolve"/>) or to the end
/// (<see cref="RunAsync"/>). Not thread-safe: one caller at a time.
/// </summary>
public sealed class GeneticOptimizer : IGenerationalSearch
{
    private readonly GeneDefinition[] _genes;
    private readonly Func<Chromosome, CancellationToken, ValueTask<double>> _fitness;
    private readonly GeneticOptimizerOptions _options;
    private readonly ISelection _selection;
    private readonly ICrossover _crossover;
    private readonly IMutation _mutation;
    private readonly ChromosomeConstraint[] _constraints;
    private readonly Random _random;
    private readonly List<double> _bestByGeneration = [];
    private List<Chromosome>? _population;
    private double _initialDiversity = double.NaN;
    private int _stagnant;
    private bool _restartDue;
    private long _evaluations;

    /// <summary>Creates an optimizer.</summary>
    /// <param name="genes">The genes, in chromosome order; names must be unique.</param>
    /// <param name="fitness">Evaluates a chromosome; higher is better. May run several at once.</param>
    /// <param name="options">The options (also the operators: <see cref="GeneticOptimizerOptions.Selection"/>, <see cref="GeneticOptimizerOptions.Crossover"/>, <see cref="GeneticOptimizerOptions.Mutation"/>); defaults when <see langword="null"/>.</param>
    /// <param name="constraints">Rules beyond the genes' bounds.</param>
    /// <exception cref="ArgumentException">No gene, two genes of one name, or an option out of range (each named).</exception>
    public GeneticOptimizer(
        IEnumerable<GeneDefinition> genes,
        Func<Chromosome, CancellationToken, ValueTask<double>> fitness,
        GeneticOptimizerOptions? options = null,
        IEnumerable<ChromosomeConstraint>? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        _genes = GeneSet.Checked(genes, nameof(genes));
        _options = (options ?? new GeneticOptimizerOptions()).Copy();
        _options.ThrowIfInvalid();
        _fitness = fitness;
        _selection = GeneticOperators.Selection(_options);
        _crossover = GeneticOperators.Crossover(_options);
        _mutation = GeneticOperators.Mutation(_options);
        _constraints = [.. constraints ?? []];
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Creates an optimizer with a synchronous fitness function.</summary>
    /// <param name="genes">The genes.</param>
    /// <param name="fitness">Evaluates a chromosome; higher is better.</param>
    /// <param name="options">The options.</param>
    public GeneticOptimizer(IEnumerable<GeneDefinition> genes, Func<Chromosome, double> fitness, GeneticOptimizerOptions? options = null)
        : this(genes, GeneSet.Wrap(fitness), options)
    {
    }

    /// <summary>Gets the genes.</summary>
    public IReadOnlyList<GeneDefinition> Genes => _genes;

    /// <summary>Gets how many generations have been bred (0 after the initial population).</summary>
    public int Generation { get; private set; }

    /// <summary>Gets the current population, best first; empty before the first generation.</summary>
    public IReadOnlyList<Chromosome> Population => _population ?? [];

    /// <summary>Gets the best chromosome found so far, or <see langword="null"/> before any evaluation.</summary>
    public Chromosome? Best { get; private set; }

    /// <inheritdoc />
    double IGenerationalSearch.RunningFitness => _population is { Count: > 0 } population ? population[0].Fitness : double.NaN;

    /// <summary>Gets how many fitness evaluations were made.</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Gets the population's diversity: the mean, over genes, of the values' standard deviation as a share of the gene's range.</summary>
    public double Diversity => _population is null ? double.NaN : DiversityOf(_population);

    /// <summary>Gets the mutation rate the next generation uses.</summary>
    public double CurrentMutationRate => Rates().Mutation;

    /// <summary>Gets the crossover rate the next generation uses.</summary>
    public double CurrentCrossoverRate => Rates().Crossover;

    /// <summary>Gets why a run would stop now, or <see langword="null"/> while it should go on.</summary>
    public TerminationReason? Termination =>
        _options.TargetFitness is { } target && Best is { } best && best.Fitness >= target ? TerminationReason.TargetFitness
        : Generation >= _options.MaxGenerations ? TerminationReason.Generations
        : !_options.RestartOnStagnation && _stagnant >= _options.StagnationGenerations ? TerminationReason.Stagnation
        : null;

    /// <summary>Gets how many times the population was drawn afresh after stagnating (<see cref="GeneticOptimizerOptions.RestartOnStagnation"/>).</summary>
    public int Restarts { get; private set; }

    /// <summary>Tells whether another generation should be bred (no termination condition holds).</summary>
    /// <returns>True while the run should go on.</returns>
    public bool ShouldEvolve() => Termination is null;

    /// <summary>Breeds one generation (after creating and evaluating the initial population, on the first call).</summary>
    /// <param name="cancellationToken">Cancels the evaluations.</param>
    /// <returns>The best chromosome so far.</returns>
    public async Task<Chromosome> EvolveAsync(CancellationToken cancellationToken = default)
    {
        if (_population is null)
        {
            List<Chromosome> initial = [.. Enumerable.Range(0, _options.PopulationSize).Select(i => Legalize(InitialGenes(i)))];
            await EvaluateAsync(initial, cancellationToken).ConfigureAwait(false);
            Adopt(initial);
            _initialDiversity = DiversityOf(initial);
            return Best!;
        }

        if (_restartDue)
        {
            // Stagnated: a fresh random population searches elsewhere; the best found so far is kept as Best.
            List<Chromosome> fresh = [.. Enumerable.Range(0, _options.PopulationSize).Select(_ => Legalize([.. _genes.Select(g => g.Random(_random))]))];
            await EvaluateAsync(fresh, cancellationToken).ConfigureAwait(false);
            Generation++;
            Restarts++;
            _restartDue = false;
            Adopt(fresh);
            _stagnant = 0;
            _initialDiversity = DiversityOf(fresh);
            return Best!;
        }

        (List<Chromosome> next, List<Chromosome> unevaluated) = Breed(_population);
        await EvaluateAsync(unevaluated, cancellationToken).ConfigureAwait(false);
        Generation++;
        Adopt(next);
        return Best!;
    }

    /// <summary>Evolves until a termination condition holds (creating the initial population first, if needed).</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The best chromosome, the counts and why it stopped.</returns>
    public async Task<OptimizationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        while (_population is null || ShouldEvolve())
        {
            await EvolveAsync(cancellationToken).ConfigureAwait(false);
        }

        return new OptimizationResult(Best!.Copy(), Generation, Evaluations, Termination!.Value, [.. _bestByGeneration]);
    }

    /// <summary>
    /// Continues from a kept population (for example one the store held across a restart): genes are brought into
    /// their domains; fitness and evaluation counts are kept. Replaces any population the optimizer has.
    /// </summary>
    /// <param name="population">The chromosomes; as many as the population size at most are taken, best first.</param>
    /// <param name="generation">The generation they are.</param>
    /// <param name="best">The best found so far; the population's best when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">No chromosome, a chromosome with the wrong number of genes, or a fitness that is not finite.</exception>
    public void Restore(IReadOnlyList<ChromosomeState> population, int generation, ChromosomeState? best = null)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentOutOfRangeException.ThrowIfNegative(generation);
        ChromosomeState[] all = [.. population, .. best is null ? [] : new[] { best }];
        if (population.Count == 0 || all.Any(c => c.Genes.Length != _genes.Length || !double.IsFinite(c.Fitness)))
        {
            throw new ArgumentException($"A kept population needs chromosomes of {_genes.Length} genes with finite fitness.", nameof(population));
        }

        List<Chromosome> restored = [.. population.Select(c => Chromosome.From(c, _genes)).OrderByDescending(c => c.Fitness).Take(_options.PopulationSize)];
        _population = restored;
        _initialDiversity = DiversityOf(restored);
        Generation = generation;
        Best = best is null ? restored[0].Copy() : Chromosome.From(best, _genes);
        _stagnant = 0;
        _bestByGeneration.Add(Best.Fitness);
    }

    /// <summary>Decodes a chromosome into values by gene name (bool, long, double or the option's text).</summary>
    /// <param name="chromosome">The chromosome.</param>
    /// <returns>The values.</returns>
    public IReadOnlyDictionary<string, object> Decode(Chromosome chromosome) => GeneSet.Decode(_genes, chromosome);

    /// <summary>
    /// The operators' part of a generation: elites copied (to be evaluated again when asked), then children bred
    /// until the population is full. Returns the next population and the chromosomes it still needs evaluated.
    /// </summary>
    internal (List<Chromosome> Next, List<Chromosome> Unevaluated) Breed(List<Chromosome> population)
    {
        (double mutationRate, double crossoverRate) = Rates();
        int size = _options.PopulationSize;
        var next = new List<Chromosome>(size);
        var unevaluated = new List<Chromosome>(size);
        for (int i = 0; i < _options.EliteCount && i < population.Count; i++)
        {
            Chromosome elite = population[i].Copy();
            next.Add(elite);
            if (_options.ReevaluateElites)
            {
                unevaluated.Add(elite);
            }
        }

        _mutation.Prepare(_genes, population);
        int n = _genes.Length;
        while (next.Count < size)
        {
            double[] first = population[_selection.Choose(population, _random)].Values;
            double[] second = population[_selection.Choose(population, _random)].Values;
            var a = new double[n];
            var b = new double[n];
            if (_random.NextDouble() < crossoverRate)
            {
                _crossover.Cross(_genes, first, second, a, b, _random);
            }
            else
            {
                first.CopyTo(a, 0);
                second.CopyTo(b, 0);
            }

            _mutation.Mutate(_genes, a, mutationRate, _random);
            _mutation.Mutate(_genes, b, mutationRate, _random);
            foreach (double[] child in (double[][])[a, b])
            {
                if (next.Count < size)
                {
                    Chromosome chromosome = Legalize(child);
                    next.Add(chromosome);
                    unevaluated.Add(chromosome);
                }
            }
        }

        return (next, unevaluated);
    }


    /// <summary>
    /// Gets or sets where the first population is drawn around (gene values), for a search that must start near what
    /// runs (the online optimizer): the first chromosome is this point, the others it moved by a normal step of
    /// <see cref="StartStep"/> of each range (booleans and categories changed with that probability). Random over the
    /// whole ranges when <see langword="null"/>.
    /// </summary>
    internal double[]? StartAt { get; set; }

    /// <summary>Gets or sets the step around <see cref="StartAt"/>, as a share of each gene's range.</summary>
    internal double StartStep { get; set; } = 0.2;

    private double[] InitialGenes(int index)
    {
        if (StartAt is not { } center)
        {
            return [.. _genes.Select(g => g.Random(_random))];
        }

        var values = (double[])center.Clone();
        for (int g = 0; index > 0 && g < values.Length; g++)
        {
            GeneDefinition gene = _genes[g];
            if (gene.Kind is GeneKind.Boolean or GeneKind.Categorical)
            {
                values[g] = _random.NextDouble() < StartStep ? gene.Random(_random) : values[g];
            }
            else
            {
                values[g] += GeneSet.Normal(_random) * StartStep * gene.Range;
            }
        }

        return values;
    }

    // Genes into their domains, then each constraint's repair; genes into their domains again.
    private Chromosome Legalize(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _genes[i].Legal(values[i]);
        }

        foreach (ChromosomeConstraint constraint in _constraints)
        {
            if (constraint.Repair is { } repair && !constraint.IsSatisfied(values))
            {
                repair(values);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = _genes[i].Legal(values[i]);
                }
            }
        }

        return new Chromosome(values);
    }

    private async Task EvaluateAsync(List<Chromosome> chromosomes, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken };
        double[] results = new double[chromosomes.Count];
        if (_options.MaxParallelism == 1)
        {
            // One at a time (the online optimizer's live candidates): in order, each continuing where the last ended.
            for (int i = 0; i < chromosomes.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await EvaluateOneAsync(i, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await Parallel.ForAsync(0, chromosomes.Count, parallel, EvaluateOneAsync).ConfigureAwait(false);
        }

        // Recorded in order, after the evaluations, so a seeded run is the same whatever finished first.
        for (int i = 0; i < chromosomes.Count; i++)
        {
            chromosomes[i].Record(results[i]);
        }

        Interlocked.Add(ref _evaluations, chromosomes.Count);

        async ValueTask EvaluateOneAsync(int i, CancellationToken ct)
        {
            double fitness = await _fitness(chromosomes[i], ct).ConfigureAwait(false);
            if (!double.IsFinite(fitness))
            {
                throw new InvalidOperationException($"The fitness function returned {fitness} for [{string.Join(", ", chromosomes[i].Genes)}]; allowed: a finite number.");
            }

            foreach (ChromosomeConstraint constraint in _constraints)
            {
                if (!constraint.IsSatisfied(chromosomes[i].Genes))
                {
                    fitness -= constraint.Penalty;
                }
            }

            results[i] = fitness;
        }
    }

    private void Adopt(List<Chromosome> population)
    {
        population.Sort(static (x, y) => y.Fitness.CompareTo(x.Fitness));
        _population = population;
        if (Best is null || population[0].Fitness > Best.Fitness)
        {
            Best = population[0].Copy();
            _stagnant = 0;
        }
        else
        {
            _stagnant++;
        }

        _restartDue = _options.RestartOnStagnation && _stagnant >= _options.StagnationGenerations;
        _bestByGeneration.Add(Best.Fitness);
    }

    private (double Mutation, double Crossover) Rates()
    {
        if (!_options.AdaptiveRates || _population is null || !(_initialDiversity > 0))
        {
            return (_options.MutationRate, _options.CrossoverRate);
        }

        double lost = Math.Clamp(1 - (DiversityOf(_population) / _initialDiversity), 0, 1);
        return (Math.Min(1, _options.MutationRate * (1 + (2 * lost))), _options.CrossoverRate * (1 - (0.5 * lost)));
    }

    private double DiversityOf(List<Chromosome> population)
    {
        double total = 0;
        int counted = 0;
        for (int g = 0; g < _genes.Length; g++)
        {
            if (_genes[g].Range <= 0)
            {
                continue;
            }

            total += SpreadMutation.Spread(population, g) / _genes[g].Range;
            counted++;
        }

        return counted == 0 ? 0 : total / counted;
    }
}
