namespace SelfHealing.Optimization;

/// <summary>
/// A base for mutations that differ in how they move numbers: each gene mutates with the given probability;
/// booleans flip, categorical genes draw another option, and numbers move by <see cref="MoveNumber"/>.
/// </summary>
internal abstract class NumericMutation : IMutation
{
    /// <inheritdoc />
    public void Mutate(IReadOnlyList<GeneDefinition> genes, Span<double> values, double rate, Random random)
    {
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < values.Length; i++)
        {
            if (random.NextDouble() >= rate)
            {
                continue;
            }

            GeneDefinition gene = genes[i];
            values[i] = gene.Kind is GeneKind.Boolean or GeneKind.Categorical ? Other(gene, values[i], random) : gene.Legal(MoveNumber(gene, i, values[i], random));
        }
    }

    /// <inheritdoc />
    public virtual void Prepare(IReadOnlyList<GeneDefinition> genes, IReadOnlyList<Chromosome> population)
    {
    }

    /// <summary>Moves a real or whole gene's value (the result is brought back into the gene's domain).</summary>
    /// <param name="gene">The gene.</param>
    /// <param name="index">Its position in the chromosome.</param>
    /// <param name="value">Its value.</param>
    /// <param name="random">The optimizer's seeded random source.</param>
    /// <returns>The new value.</returns>
    protected abstract double MoveNumber(GeneDefinition gene, int index, double value, Random random);

    /// <summary>A whole gene's step of at least one, in the direction of <paramref name="step"/> (random for zero).</summary>
    /// <param name="gene">The gene.</param>
    /// <param name="value">Its value.</param>
    /// <param name="step">The intended step.</param>
    /// <param name="random">The random source.</param>
    /// <returns>The value moved.</returns>
    protected static double Step(GeneDefinition gene, double value, double step, Random random)
    {
        ArgumentNullException.ThrowIfNull(gene);
        ArgumentNullException.ThrowIfNull(random);
        if (gene.Kind != GeneKind.Whole || gene.Range <= 0 || gene.Legal(value + step) != value)
        {
            return value + step;
        }

        double direction = step < 0 ? -1 : step > 0 ? 1 : (random.Next(2) == 0 ? -1 : 1);
        return value + direction;
    }

    // A boolean flipped, or another categorical option (the same when there is only one).
    private static double Other(GeneDefinition gene, double value, Random random)
    {
        if (gene.Kind == GeneKind.Boolean)
        {
            return value >= 0.5 ? 0 : 1;
        }

        int options = (int)gene.Maximum + 1;
        if (options == 1)
        {
            return 0;
        }

        int pick = random.Next(options - 1);
        return pick >= (int)value ? pick + 1 : pick;
    }
}
