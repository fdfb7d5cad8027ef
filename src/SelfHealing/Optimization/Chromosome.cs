namespace SelfHealing.Optimization;

/// <summary>
/// One candidate: a value per gene and, once evaluated, its fitness (higher is better). When the optimizer
/// evaluates a survivor again, its fitness is the running mean of its evaluations, over the last three at most
/// (older ones fade, so a fitness that drifts with the workload shows).
/// </summary>
public sealed class Chromosome
{
    internal Chromosome(double[] genes) => Genes = genes;

    /// <summary>Gets the gene values, in the order of the optimizer's genes.</summary>
    public IReadOnlyList<double> Genes { get; }

    /// <summary>Gets the fitness (the running mean of its evaluations), or NaN before the first.</summary>
    public double Fitness { get; private set; } = double.NaN;

    /// <summary>Gets how many times it was evaluated.</summary>
    public int Evaluations { get; private set; }

    internal double[] Values => (double[])Genes;

    /// <summary>How many evaluations the running mean spans at most: older ones fade, so a drifting fitness shows.</summary>
    internal const int MeanSpan = 3;

    /// <summary>Sets the fitness to a re-measured estimate (the mean of <paramref name="evaluations"/> fresh evaluations).</summary>
    internal void Estimate(double mean, int evaluations)
    {
        Fitness = mean;
        Evaluations = evaluations;
    }

    internal void Record(double fitness)
    {
        Evaluations++;
        Fitness = Evaluations == 1 ? fitness : Fitness + ((fitness - Fitness) / Math.Min(Evaluations, MeanSpan));
    }

    internal static Chromosome From(ChromosomeState state, IReadOnlyList<GeneDefinition> genes)
    {
        double[] values = new double[genes.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = genes[i].Legal(state.Genes[i]);
        }

        return new Chromosome(values) { Fitness = state.Fitness, Evaluations = Math.Max(1, state.Evaluations) };
    }

    internal Chromosome Copy()
    {
        var copy = new Chromosome((double[])Values.Clone()) { Fitness = Fitness, Evaluations = Evaluations };
        return copy;
    }
}
