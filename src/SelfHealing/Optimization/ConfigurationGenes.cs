using SelfHealing.Configuration;

namespace SelfHealing.Optimization;

/// <summary>
/// Genes for the parameters of an adaptive configuration, and the way back: booleans, integers (in steps),
/// floats and durations (in seconds, snapped to their steps) and strings with allowed values become genes; a
/// string without a list of values is not tuned.
/// </summary>
public static class ConfigurationGenes
{
    /// <summary>The genes of the tunable parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <returns>One gene per tunable parameter, named after it.</returns>
    public static IReadOnlyList<GeneDefinition> From(IEnumerable<ParameterDefinition> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var genes = new List<GeneDefinition>();
        foreach (ParameterDefinition p in parameters)
        {
            GeneDefinition? gene = p.Type switch
            {
                ParameterType.Boolean => GeneDefinition.Boolean(p.Name),
                ParameterType.Integer => GeneDefinition.Whole(p.Name, 0, (long)Math.Floor((p.Maximum!.Value - p.Minimum!.Value) / (p.Step ?? 1))),
                ParameterType.Float or ParameterType.Duration => GeneDefinition.Real(p.Name, p.Minimum ?? 0, p.Maximum ?? 0),
                ParameterType.String when p.AllowedValues is { } allowed => GeneDefinition.Categorical(p.Name, allowed),
                _ => null,
            };
            if (gene is not null)
            {
                genes.Add(gene);
            }
        }

        return genes;
    }

    /// <summary>The values a chromosome stands for, as the configuration takes them.</summary>
    /// <param name="parameters">The parameters, as given to <see cref="From"/>.</param>
    /// <param name="genes">The genes <see cref="From"/> made.</param>
    /// <param name="chromosome">The chromosome.</param>
    /// <returns>The values, by parameter name.</returns>
    public static Dictionary<string, object> Decode(IEnumerable<ParameterDefinition> parameters, IReadOnlyList<GeneDefinition> genes, Chromosome chromosome)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(genes);
        ArgumentNullException.ThrowIfNull(chromosome);
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (int i = 0; i < genes.Count; i++)
        {
            ParameterDefinition p = byName[genes[i].Name];
            double gene = genes[i].Legal(chromosome.Genes[i]);
            values[p.Name] = p.Type switch
            {
                ParameterType.Boolean => gene >= 0.5,
                ParameterType.Integer => (long)Math.Round(p.Minimum!.Value + (gene * (p.Step ?? 1))),
                ParameterType.Float => Snap(p, gene),
                ParameterType.Duration => TimeSpan.FromSeconds(Snap(p, gene)),
                _ => genes[i].Decode(gene),
            };
        }

        return values;
    }

    /// <summary>The genes of configuration values: the inverse of <see cref="Decode"/>, for the values in force.</summary>
    internal static double[] Encode(IEnumerable<ParameterDefinition> parameters, IReadOnlyList<GeneDefinition> genes, IReadOnlyDictionary<string, object> values)
    {
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var encoded = new double[genes.Count];
        for (int i = 0; i < genes.Count; i++)
        {
            ParameterDefinition p = byName[genes[i].Name];
            object value = values[p.Name];
            double gene = p.Type switch
            {
                ParameterType.Boolean => value is true ? 1 : 0,
                ParameterType.Integer => (Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) - p.Minimum!.Value) / (p.Step ?? 1),
                ParameterType.Duration => ((TimeSpan)value).TotalSeconds,
                ParameterType.Float => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
                _ => Math.Max(0, p.AllowedValues!.ToList().IndexOf((string)value)),
            };
            encoded[i] = genes[i].Legal(gene);
        }

        return encoded;
    }

    private static double Snap(ParameterDefinition p, double value) =>
        p.Step is { } step ? Math.Clamp((p.Minimum ?? 0) + (Math.Round((value - (p.Minimum ?? 0)) / step) * step), p.Minimum ?? double.MinValue, p.Maximum ?? double.MaxValue) : value;

    /// <summary>Applies the configuration an optimizer's chromosome stands for (source Optimizer, its fitness recorded).</summary>
    /// <param name="configuration">The adaptive configuration to change.</param>
    /// <param name="chromosome">The chromosome, over genes made by <see cref="From"/>.</param>
    /// <param name="genes">Those genes.</param>
    /// <param name="reason">Why, in words.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">A value breaks a constraint; nothing is applied.</exception>
    public static ConfigSnapshot ApplyChromosome(this AdaptiveConfigManager configuration, Chromosome chromosome, IReadOnlyList<GeneDefinition> genes, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(chromosome);
        double? fitness = double.IsFinite(chromosome.Fitness) ? chromosome.Fitness : null;
        return configuration.Update(Decode(configuration.Parameters, genes, chromosome), ConfigSource.Optimizer, fitness, reason);
    }
}
