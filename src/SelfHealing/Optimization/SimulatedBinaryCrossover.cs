namespace SelfHealing.Optimization;

/// <summary>
/// Simulated binary crossover for real genes (children spread around the parents as a one-point crossover of
/// binary strings would, tighter for a larger <see cref="Eta"/>); other genes cross uniformly.
/// </summary>
/// <param name="eta">The distribution index; 2 to 20 are usual.</param>
internal sealed class SimulatedBinaryCrossover(double eta = 15) : ICrossover
{
    /// <summary>Gets the distribution index.</summary>
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), eta, "The distribution index must be positive.");

    /// <inheritdoc />
    public void Cross(IReadOnlyList<GeneDefinition> genes, ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<double> firstChild, Span<double> secondChild, Random random)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < first.Length; i++)
        {
            if (genes[i].Kind != GeneKind.Real)
            {
                bool swap = random.Next(2) == 0;
                firstChild[i] = swap ? second[i] : first[i];
                secondChild[i] = swap ? first[i] : second[i];
                continue;
            }

            double u = random.NextDouble();
            double beta = u <= 0.5 ? Math.Pow(2 * u, 1 / (Eta + 1)) : Math.Pow(1 / (2 * (1 - u)), 1 / (Eta + 1));
            double mean = (first[i] + second[i]) / 2;
            double half = Math.Abs(second[i] - first[i]) / 2;
            firstChild[i] = genes[i].Legal(mean - (beta * half));
            secondChild[i] = genes[i].Legal(mean + (beta * half));
        }
    }
}
