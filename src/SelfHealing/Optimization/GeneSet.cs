namespace SelfHealing.Optimization;

/// <summary>What every optimizer engine does with its genes: checks them, decodes a chromosome, wraps a synchronous fitness.</summary>
internal static class GeneSet
{
    /// <summary>A point of [0, 1]^n (each gene's range scaled to [0, 1]) as a chromosome of legal gene values.</summary>
    public static Chromosome FromUnit(GeneDefinition[] genes, double[] point)
    {
        var values = new double[genes.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = genes[i].Legal(genes[i].Minimum + (point[i] * genes[i].Range));
        }

        return new Chromosome(values);
    }

    /// <summary>Gene values as a point of [0, 1]^n (a gene with an empty range at 0.5).</summary>
    public static double[] ToUnit(GeneDefinition[] genes, double[] values) =>
        [.. values.Select((v, i) => genes[i].Range > 0 ? (v - genes[i].Minimum) / genes[i].Range : 0.5)];

    /// <summary>A standard normal draw (Box–Muller) from the optimizer's seeded random source.</summary>
    public static double Normal(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The genes as an array: at least one, names unique.</summary>
    public static GeneDefinition[] Checked(IEnumerable<GeneDefinition> genes, string paramName)
    {
        ArgumentNullException.ThrowIfNull(genes, paramName);
        GeneDefinition[] all = [.. genes];
        if (all.Length == 0)
        {
            throw new ArgumentException("The optimizer needs at least one gene.", paramName);
        }

        if (all.GroupBy(g => g.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The gene '{twice.Key}' is defined twice; allowed: once.", paramName);
        }

        return all;
    }

    /// <summary>Gene name → value (<see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or the option's text).</summary>
    public static IReadOnlyDictionary<string, object> Decode(GeneDefinition[] genes, Chromosome chromosome)
    {
        ArgumentNullException.ThrowIfNull(chromosome);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (int i = 0; i < genes.Length; i++)
        {
            values[genes[i].Name] = genes[i].Decode(chromosome.Genes[i]);
        }

        return values;
    }

    public static Func<Chromosome, CancellationToken, ValueTask<double>> Wrap(Func<Chromosome, double> fitness)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        return (chromosome, _) => ValueTask.FromResult(fitness(chromosome));
    }
}
