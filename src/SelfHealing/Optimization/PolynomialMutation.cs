namespace SelfHealing.Optimization;

/// <summary>
/// Polynomial mutation for numbers (steps bounded by the gene's range, small ones far likelier for a larger
/// <see cref="Eta"/>; whole numbers move at least one step); booleans flip; categorical genes draw another option.
/// </summary>
/// <param name="eta">The distribution index; 20 is usual.</param>
internal sealed class PolynomialMutation(double eta = 20) : NumericMutation
{
    /// <summary>Gets the distribution index.</summary>
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), eta, "The distribution index must be positive.");

    /// <inheritdoc />
    protected override double MoveNumber(GeneDefinition gene, int index, double value, Random random)
    {
        ArgumentNullException.ThrowIfNull(gene);
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble();
        double delta = u < 0.5 ? Math.Pow(2 * u, 1 / (Eta + 1)) - 1 : 1 - Math.Pow(2 * (1 - u), 1 / (Eta + 1));
        return Step(gene, value, delta * gene.Range, random);
    }
}
