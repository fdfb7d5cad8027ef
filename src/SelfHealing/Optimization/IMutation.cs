namespace SelfHealing.Optimization;

/// <summary>Changes a child's genes at random.</summary>
internal interface IMutation
{
    /// <summary>Mutates each gene with probability <paramref name="rate"/>.</summary>
    /// <param name="genes">The genes' definitions.</param>
    /// <param name="values">The child's genes, changed in place.</param>
    /// <param name="rate">The probability that a gene mutates.</param>
    /// <param name="random">The optimizer's seeded random source.</param>
    void Mutate(IReadOnlyList<GeneDefinition> genes, Span<double> values, double rate, Random random);

    /// <summary>Learns what it needs from the population the children are bred from (once per generation).</summary>
    /// <param name="genes">The genes' definitions.</param>
    /// <param name="population">The parents' population.</param>
    void Prepare(IReadOnlyList<GeneDefinition> genes, IReadOnlyList<Chromosome> population);
}
