namespace SelfHealing.Optimization;

/// <summary>
/// One candidate: a value per gene and, once evaluated, its fitness (higher is better). Noisy fitness is averaged
/// over <see cref="Evaluations"/> when the optimizer evaluates a survivor again.
/// </summary>
public sealed class Chromosome
{
    internal Chromosome(double[] genes) => Genes = genes;

    /// <summary>Gets the gene values, in the order of the optimizer's genes.</summary>
    public IReadOnlyList<double> Genes { get; }

    /// <summary>Gets the fitness (the mean of its evaluations), or NaN before the first.</summary>
    public double Fitness { get; private set; } = double.NaN;

    /// <summary>Gets how many times it was evaluated.</summary>
    public int Evaluations { get; private set; }

    internal double[] Values => (double[])Genes;

    internal void Record(double fitness)
    {
        Evaluations++;
        Fitness = Evaluations == 1 ? fitness : Fitness + ((fitness - Fitness) / Evaluations);
    }

    internal Chromosome Copy()
    {
        var copy = new Chromosome((double[])Values.Clone()) { Fitness = Fitness, Evaluations = Evaluations };
        return copy;
    }
}
