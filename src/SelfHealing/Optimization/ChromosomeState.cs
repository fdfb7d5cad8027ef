namespace SelfHealing.Optimization;

/// <summary>A chromosome as kept outside the optimizer (in the state store): its genes, fitness and evaluation count.</summary>
/// <param name="Genes">The gene values.</param>
/// <param name="Fitness">The fitness.</param>
/// <param name="Evaluations">How many evaluations the fitness averages.</param>
public sealed record ChromosomeState(double[] Genes, double Fitness, int Evaluations)
{
    /// <summary>Captures a chromosome.</summary>
    /// <param name="chromosome">The chromosome.</param>
    /// <returns>Its state.</returns>
    public static ChromosomeState Of(Chromosome chromosome)
    {
        ArgumentNullException.ThrowIfNull(chromosome);
        return new([.. chromosome.Genes], chromosome.Fitness, chromosome.Evaluations);
    }
}
