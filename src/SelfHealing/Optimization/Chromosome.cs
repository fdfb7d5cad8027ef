namespace SelfHealing.Optimization;

/// <summary>
/// One candidate: a value per gene and, once evaluated, its fitness (higher is better). When the optimizer
/// evaluates a survivor again, its fitness is the mean of its last three evaluations at most (older ones are
/// forgotten, so a fitness that changes with the workload shows within three evaluations).
/// </summary>
public sealed class Chromosome
{
    internal Chromosome(double[] genes) => Genes = genes;

    /// <summary>Gets the gene values, in the order of the optimizer's genes.</summary>
    public IReadOnlyList<double> Genes { get; }

    /// <summary>Gets the fitness (the mean of its last three evaluations at most), or NaN before the first.</summary>
    public double Fitness { get; private set; } = double.NaN;

    /// <summary>Gets how many times it was evaluated.</summary>
    public int Evaluations { get; private set; }

    internal double[] Values => (double[])Genes;

    /// <summary>How many evaluations the mean spans at most: older ones are forgotten, so a changed fitness shows.</summary>
    internal const int MeanSpan = 3;

    // The last MeanSpan measurements (a ring in three fields: no allocation per chromosome).
    private double _recent0;
    private double _recent1;
    private double _recent2;
    private int _recentCount;

    /// <summary>Sets the fitness to a re-measured estimate (the mean of <paramref name="evaluations"/> fresh evaluations).</summary>
    internal void Estimate(double mean, int evaluations)
    {
        Fitness = mean;
        Evaluations = evaluations;
        _recent0 = mean;
        _recentCount = 1;
    }

    internal void Record(double fitness)
    {
        Evaluations++;
        switch (_recentCount % MeanSpan)
        {
            case 0: _recent0 = fitness; break;
            case 1: _recent1 = fitness; break;
            default: _recent2 = fitness; break;
        }

        _recentCount++;
        Fitness = _recentCount switch
        {
            1 => _recent0,
            2 => (_recent0 + _recent1) / 2,
            _ => (_recent0 + _recent1 + _recent2) / MeanSpan,
        };
    }

    internal static Chromosome From(ChromosomeState state, IReadOnlyList<GeneDefinition> genes)
    {
        double[] values = new double[genes.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = genes[i].Legal(state.Genes[i]);
        }

        // The kept mean counts as one measurement of the window.
        return double.IsFinite(state.Fitness)
            ? new Chromosome(values) { Fitness = state.Fitness, Evaluations = Math.Max(1, state.Evaluations), _recent0 = state.Fitness, _recentCount = 1 }
            : new Chromosome(values) { Fitness = state.Fitness, Evaluations = Math.Max(1, state.Evaluations) };
    }

    internal Chromosome Copy()
    {
        return new Chromosome((double[])Values.Clone())
        {
            Fitness = Fitness,
            Evaluations = Evaluations,
            _recent0 = _recent0,
            _recent1 = _recent1,
            _recent2 = _recent2,
            _recentCount = _recentCount,
        };
    }
}
