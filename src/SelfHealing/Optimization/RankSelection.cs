namespace SelfHealing.Optimization;

/// <summary>Linear ranking: the best is drawn <see cref="Pressure"/> times as often as the average one.</summary>
/// <param name="pressure">From 1 (uniform) to 2 (the worst is never drawn).</param>
internal sealed class RankSelection(double pressure = 1.5) : ISelection
{
    /// <summary>Gets the selection pressure.</summary>
    public double Pressure { get; } = pressure is >= 1 and <= 2 ? pressure : throw new ArgumentOutOfRangeException(nameof(pressure), pressure, "The pressure must be from 1 to 2.");

    /// <inheritdoc />
    public int Choose(IReadOnlyList<Chromosome> population, Random random)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(random);
        int n = population.Count;
        if (n == 1)
        {
            return 0;
        }

        // Population is best first: rank r (0 best) weighs Pressure - 2 (Pressure - 1) r / (n - 1), summing to n.
        double spin = random.NextDouble() * n;
        for (int r = 0; r < n; r++)
        {
            spin -= Pressure - (2 * (Pressure - 1) * r / (n - 1));
            if (spin <= 0)
            {
                return r;
            }
        }

        return n - 1;
    }
}
