namespace SelfHealing.Optimization;

/// <summary>Each gene from either parent with equal chance (the other child takes the other parent's).</summary>
internal sealed class UniformCrossover : ICrossover
{
    /// <inheritdoc />
    public void Cross(IReadOnlyList<GeneDefinition> genes, ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<double> firstChild, Span<double> secondChild, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < first.Length; i++)
        {
            bool swap = random.Next(2) == 0;
            firstChild[i] = swap ? second[i] : first[i];
            secondChild[i] = swap ? first[i] : second[i];
        }
    }
}
