namespace SelfHealing.Optimization;

/// <summary>
/// Numbers move by a normal step of <see cref="Scale"/> times their range (whole numbers rounded, at least one
/// step); booleans flip; categorical genes draw another option.
/// </summary>
/// <param name="scale">The step's standard deviation as a share of the gene's range.</param>
internal sealed class GaussianMutation(double scale = 0.1) : NumericMutation
{
    /// <summary>Gets the step's standard deviation as a share of the gene's range.</summary>
    public double Scale { get; } = scale > 0 ? scale : throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive.");

    /// <inheritdoc />
    protected override double MoveNumber(GeneDefinition gene, int index, double value, Random random)
    {
        ArgumentNullException.ThrowIfNull(gene);
        ArgumentNullException.ThrowIfNull(random);
        double normal = GeneSet.Normal(random);
        double step = normal * Scale * gene.Range;
        return gene.Kind == GeneKind.Whole ? Step(gene, value, Math.Round(step), random) : value + step;
    }
}
