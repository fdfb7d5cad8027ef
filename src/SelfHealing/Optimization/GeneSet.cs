namespace SelfHealing.Optimization;

/// <summary>What every optimizer engine does with its genes: checks them, decodes a chromosome, wraps a synchronous fitness.</summary>
internal static class GeneSet
{
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
