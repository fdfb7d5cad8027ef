using SelfHealing.Optimization;

namespace SelfHealing.Tests.Optimization;

/// <summary>The online optimizer's CMA-ES, driven a generation at a time, on its own.</summary>
public sealed class CmaEsGenerationsTests
{
    [Fact]
    public async Task When_what_runs_scores_below_the_whole_last_generation_the_search_widens_again_from_there()
    {
        GeneDefinition[] genes = [GeneDefinition.Real("x", 0, 100), GeneDefinition.Real("y", 0, 100)];
        bool changed = false;
        var tried = new List<Chromosome>();
        ValueTask<double> Fitness(Chromosome c, CancellationToken _)
        {
            tried.Add(c);
            double distance = Math.Abs(c.Genes[0] - 30) + Math.Abs(c.Genes[1] - 30);
            return ValueTask.FromResult(changed ? -1_000 - distance : -distance); // after the change everything scores far lower
        }

        var search = new CmaEsGenerations(genes, Fitness, [30, 30], populationSize: 9, initialStep: 0.2, minimumStep: 0.02, seed: 7);
        for (int g = 0; g < 30; g++)
        {
            await search.EvolveAsync(CancellationToken.None);
        }

        double settled = Spread(tried.TakeLast(9));
        changed = true;
        await search.EvolveAsync(CancellationToken.None); // its center scores below every candidate of the generation before
        double after = Spread(tried.TakeLast(9));

        settled.Should().BeLessThan(5, "at the optimum the steps have narrowed toward the floor (2 of a range of 100)");
        after.Should().BeGreaterThan(3 * settled, "the search starts again from its center with the initial step (20 of 100)");
    }

    // The mean distance of candidates from their mean, over both genes.
    private static double Spread(IEnumerable<Chromosome> candidates)
    {
        Chromosome[] all = [.. candidates];
        double mx = all.Average(c => c.Genes[0]);
        double my = all.Average(c => c.Genes[1]);
        return all.Average(c => Math.Abs(c.Genes[0] - mx) + Math.Abs(c.Genes[1] - my)) / 2;
    }
}
