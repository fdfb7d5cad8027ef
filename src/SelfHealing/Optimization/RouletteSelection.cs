namespace SelfHealing.Optimization;

/// <summary>Fitness-proportional choice (fitness shifted so the worst weighs a little above zero).</summary>
internal sealed class RouletteSelection : ISelection
{
    /// <inheritdoc />
    public int Choose(IReadOnlyList<Chromosome> population, Random random)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(random);
        double worst = double.PositiveInfinity;
        double best = double.NegativeInfinity;
        foreach (Chromosome c in population)
        {
            worst = Math.Min(worst, c.Fitness);
            best = Math.Max(best, c.Fitness);
        }

        double floor = worst - (Math.Max(best - worst, 1e-12) * 0.01);
        double total = 0;
        foreach (Chromosome c in population)
        {
            total += c.Fitness - floor;
        }

        double spin = random.NextDouble() * total;
        for (int i = 0; i < population.Count; i++)
        {
            spin -= population[i].Fitness - floor;
            if (spin <= 0)
            {
                return i;
            }
        }

        return population.Count - 1;
    }
}
