using System.Globalization;

namespace SelfHealing.Optimization;

/// <summary>
/// One gene: its name (for an adaptive configuration, the parameter's name) and the values it may take. A
/// chromosome holds every gene as a <see cref="double"/>: 0 or 1 for a boolean, a whole number, a real number,
/// or the index of a categorical option; operators keep each within its bounds.
/// </summary>
public sealed class GeneDefinition
{
    private GeneDefinition(string name, GeneKind kind, double minimum, double maximum, IReadOnlyList<string>? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(minimum <= maximum) || !double.IsFinite(minimum) || !double.IsFinite(maximum))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The gene {name} has bounds {minimum} to {maximum}; allowed: finite, the minimum at most the maximum."), nameof(minimum));
        }

        Name = name;
        Kind = kind;
        Minimum = minimum;
        Maximum = maximum;
        Options = options;
    }

    /// <summary>Gets the gene's name.</summary>
    public string Name { get; }

    /// <summary>Gets what values it takes.</summary>
    public GeneKind Kind { get; }

    /// <summary>Gets the smallest value (0 for booleans and categorical genes).</summary>
    public double Minimum { get; }

    /// <summary>Gets the largest value (1 for booleans; the last option's index for categorical genes).</summary>
    public double Maximum { get; }

    /// <summary>Gets the options of a categorical gene.</summary>
    public IReadOnlyList<string>? Options { get; }

    /// <summary>Defines a boolean gene.</summary>
    /// <param name="name">The gene's name.</param>
    /// <returns>The gene.</returns>
    public static GeneDefinition Boolean(string name) => new(name, GeneKind.Boolean, 0, 1, null);

    /// <summary>Defines a whole-number gene.</summary>
    /// <param name="name">The gene's name.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value.</param>
    /// <returns>The gene.</returns>
    /// <exception cref="ArgumentException">The bounds are inverted.</exception>
    public static GeneDefinition Whole(string name, long minimum, long maximum) => new(name, GeneKind.Whole, minimum, maximum, null);

    /// <summary>Defines a real-number gene.</summary>
    /// <param name="name">The gene's name.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value.</param>
    /// <returns>The gene.</returns>
    /// <exception cref="ArgumentException">The bounds are inverted or not finite.</exception>
    public static GeneDefinition Real(string name, double minimum, double maximum) => new(name, GeneKind.Real, minimum, maximum, null);

    /// <summary>Defines a categorical gene.</summary>
    /// <param name="name">The gene's name.</param>
    /// <param name="options">The options (at least one).</param>
    /// <returns>The gene.</returns>
    /// <exception cref="ArgumentException">There is no option.</exception>
    public static GeneDefinition Categorical(string name, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Count == 0
            ? throw new ArgumentException($"The gene {name} has no option; allowed: at least one.", nameof(options))
            : new(name, GeneKind.Categorical, 0, options.Count - 1, [.. options]);
    }

    /// <summary>Gets the width of the gene's range.</summary>
    public double Range => Maximum - Minimum;

    /// <summary>Brings a value into the gene's domain: within the bounds, whole where the gene is discrete.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value in the domain (NaN becomes the minimum).</returns>
    public double Legal(double value)
    {
        if (double.IsNaN(value))
        {
            return Minimum;
        }

        double bounded = Math.Clamp(value, Minimum, Maximum);
        return Kind == GeneKind.Real ? bounded : Math.Round(bounded, MidpointRounding.AwayFromZero);
    }

    /// <summary>A uniformly random value of the domain.</summary>
    internal double Random(Random random) => Kind switch
    {
        GeneKind.Real => Minimum + (random.NextDouble() * Range),
        _ => Math.Min(Maximum, Math.Floor(Minimum + (random.NextDouble() * (Range + 1)))),
    };

    /// <summary>The value as the configuration would hold it: bool, long, double or the option's text.</summary>
    /// <param name="value">A value of the domain.</param>
    /// <returns>The decoded value.</returns>
    public object Decode(double value) => Kind switch
    {
        GeneKind.Boolean => value >= 0.5,
        GeneKind.Whole => (long)Legal(value),
        GeneKind.Categorical => Options![(int)Legal(value)],
        _ => Legal(value),
    };
}
