namespace SelfHealing.Optimization;

/// <summary>
/// Racing between the best candidates of a run: each is measured again, round after round; after two rounds, a
/// candidate whose mean plus two standard errors is below the leader's mean minus two standard errors drops out. The
/// winner is the best by its fresh measurements only (the measurement it was selected by is left out, since being the
/// highest of many noisy values inflates it). Ends when one candidate is left, when no measurement varies any more, or
/// when the budget is spent.
/// </summary>
internal static class CandidateRace
{
    public static async Task<(Chromosome Winner, double? StandardError, long Used)> RunAsync(
        IReadOnlyList<Chromosome> candidates,
        Func<Chromosome, CancellationToken, ValueTask<double>> fitness,
        long budget,
        int parallelism,
        CancellationToken cancellationToken)
    {
        int count = candidates.Count;
        var sum = new double[count];
        var squares = new double[count];
        var n = new int[count];
        var alive = new List<int>(Enumerable.Range(0, count));
        long used = 0;
        for (int round = 1; alive.Count > 0 && used + alive.Count <= budget; round++)
        {
            int[] racing = [.. alive];
            var values = new double[racing.Length];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, racing.Length),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (k, ct) => values[k] = await fitness(candidates[racing[k]], ct).ConfigureAwait(false)).ConfigureAwait(false);
            for (int k = 0; k < racing.Length; k++)
            {
                if (!double.IsFinite(values[k]))
                {
                    throw new InvalidOperationException($"The fitness of [{string.Join(", ", candidates[racing[k]].Genes)}] is {values[k]}; allowed: a finite number.");
                }

                int i = racing[k];
                sum[i] += values[k];
                squares[i] += values[k] * values[k];
                n[i]++;
            }

            used += racing.Length;
            if (round < 2)
            {
                continue;
            }

            int leader = alive.MaxBy(i => sum[i] / n[i]);
            double floor = Mean(leader) - (2 * Error(leader));
            alive.RemoveAll(i => i != leader && Mean(i) + (2 * Error(i)) < floor);
            if (alive.Count == 1 || alive.All(i => Error(i) == 0))
            {
                break;
            }
        }

        int[] measured = [.. Enumerable.Range(0, count).Where(i => n[i] > 0)];
        if (measured.Length == 0)
        {
            // No budget for even one round: the best by its selection measurement.
            return (candidates.MaxBy(c => c.Fitness)!, null, 0);
        }

        int winner = (alive.Count > 0 ? alive : [.. measured]).Where(i => n[i] > 0).MaxBy(Mean);
        Chromosome best = candidates[winner];
        best.Estimate(Mean(winner), n[winner]);
        return (best, n[winner] > 1 ? Error(winner) : null, used);

        double Mean(int i) => sum[i] / n[i];

        double Error(int i)
        {
            if (n[i] < 2)
            {
                return double.PositiveInfinity;
            }

            double mean = Mean(i);
            double variance = Math.Max(0, (squares[i] - (n[i] * mean * mean)) / (n[i] - 1));
            return Math.Sqrt(variance / n[i]);
        }
    }
}
