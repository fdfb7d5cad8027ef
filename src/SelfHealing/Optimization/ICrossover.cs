namespace SelfHealing.Optimization;

/// <summary>Combines two parents into two children.</summary>
internal interface ICrossover
{
    /// <summary>Fills the children from the parents.</summary>
    /// <param name="genes">The genes' definitions.</param>
    /// <param name="first">The first parent.</param>
    /// <param name="second">The second parent.</param>
    /// <param name="firstChild">The first child, to fill.</param>
    /// <param name="secondChild">The second child, to fill.</param>
    /// <param name="random">The optimizer's seeded random source.</param>
    void Cross(IReadOnlyList<GeneDefinition> genes, ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<double> firstChild, Span<double> secondChild, Random random);
}
