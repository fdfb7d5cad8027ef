namespace SelfHealing.Optimization;

/// <summary>Genes up to a random point from one parent, the rest from the other.</summary>
internal sealed class OnePointCrossover : ICrossover
{
    /// <inheritdoc />
    public void Cross(IReadOnlyList<GeneDefinition> genes, ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<double> firstChild, Span<double> secondChild, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int point = first.Length <= 1 ? 0 : random.Next(1, first.Length);
        for (int i = 0; i < first.Length; i++)
        {
            firstChild[i] = i < point ? first[i] : second[i];
            secondChild[i] = i < point ? second[i] : first[i];
        }
    }
}
