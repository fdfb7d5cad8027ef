namespace SelfHealing.Optimization;

/// <summary>Chooses a parent from a population whose fitness is known.</summary>
internal interface ISelection
{
    /// <summary>Chooses one.</summary>
    /// <param name="population">The population, best first.</param>
    /// <param name="random">The optimizer's seeded random source.</param>
    /// <returns>The index of the chosen parent.</returns>
    int Choose(IReadOnlyList<Chromosome> population, Random random);
}
