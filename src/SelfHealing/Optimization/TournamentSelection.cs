namespace SelfHealing.Optimization;

/// <summary>The best of <see cref="Size"/> chromosomes drawn at random.</summary>
/// <param name="size">How many are drawn; at least 1.</param>
internal sealed class TournamentSelection(int size = 3) : ISelection
{
    /// <summary>Gets how many are drawn.</summary>
    public int Size { get; } = size >= 1 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "A tournament needs at least 1 entrant.");

    /// <inheritdoc />
    public int Choose(IReadOnlyList<Chromosome> population, Random random)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(random);
        int best = random.Next(population.Count);
        for (int i = 1; i < Size; i++)
        {
            int other = random.Next(population.Count);
            best = population[other].Fitness > population[best].Fitness ? other : best;
        }

        return best;
    }
}
