namespace SelfHealing.Optimization;

/// <summary>
/// Numbers move by a normal step as wide as the population's spread of that gene (its standard deviation): wide while
/// the population is spread out, narrowing as it converges, so the search can home in on an optimum at any precision
/// (a step tied to the gene's range cannot). Whole numbers are rounded and move at least one step; booleans flip;
/// categorical genes draw another option.
/// </summary>
internal sealed class SpreadMutation : NumericMutation
{
    // Steps never shrink below this share of the range (a population that collapsed onto one point still moves).
    private const double Floor = 1e-12;

    // A step's standard deviation as a share of the spread: half, so mutation alone widens the population less than
    // selection narrows it (a full-width step on every gene makes the population's spread grow without bound).
    private const double Share = 0.5;
    private double[] _spreads = [];

    /// <inheritdoc />
    public override void Prepare(IReadOnlyList<GeneDefinition> genes, IReadOnlyList<Chromosome> population)
    {
        if (_spreads.Length != genes.Count)
        {
            _spreads = new double[genes.Count];
        }

        for (int g = 0; g < genes.Count; g++)
        {
            _spreads[g] = Math.Max(Spread(population, g), Floor * genes[g].Range);
        }
    }

    /// <summary>The standard deviation of one gene's values over a population.</summary>
    internal static double Spread(IReadOnlyList<Chromosome> population, int gene)
    {
        double mean = 0;
        foreach (Chromosome c in population)
        {
            mean += c.Values[gene];
        }

        mean /= population.Count;
        double variance = 0;
        foreach (Chromosome c in population)
        {
            double d = c.Values[gene] - mean;
            variance += d * d;
        }

        return Math.Sqrt(variance / population.Count);
    }

    /// <inheritdoc />
    protected override double MoveNumber(GeneDefinition gene, int index, double value, Random random)
    {
        ArgumentNullException.ThrowIfNull(gene);
        ArgumentNullException.ThrowIfNull(random);
        double spread = index < _spreads.Length ? _spreads[index] : gene.Range; // unprepared: as wide as the range
        double normal = GeneSet.Normal(random);
        double step = normal * Share * spread;
        return gene.Kind == GeneKind.Whole ? Step(gene, value, Math.Round(step), random) : value + step;
    }
}
