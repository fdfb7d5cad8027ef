namespace SelfHealing.Optimization;

/// <summary>
/// A rule chromosomes must keep beyond their genes' bounds (for example, a timeout longer than the retry delay
/// times the retries). A child that breaks it is repaired, if a repair is given, or its fitness is lowered by the
/// penalty.
/// </summary>
public sealed class ChromosomeConstraint
{
    /// <summary>Creates a constraint.</summary>
    /// <param name="name">The constraint's name, for messages.</param>
    /// <param name="isSatisfied">Tells whether gene values keep the rule.</param>
    /// <param name="repair">Changes the values so they keep it; <see langword="null"/> to use the penalty.</param>
    /// <param name="penalty">Subtracted from the fitness of a chromosome that breaks the rule (after any repair); 0 or more.</param>
    /// <exception cref="ArgumentException">Neither a repair nor a positive penalty is given.</exception>
    public ChromosomeConstraint(string name, Func<IReadOnlyList<double>, bool> isSatisfied, Action<double[]>? repair = null, double penalty = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(isSatisfied);
        if (repair is null && !(penalty > 0 && double.IsFinite(penalty)))
        {
            throw new ArgumentException($"The constraint {name} has neither a repair nor a positive penalty; allowed: one of them at least.", nameof(penalty));
        }

        Name = name;
        IsSatisfied = isSatisfied;
        Repair = repair;
        Penalty = penalty;
    }

    /// <summary>Gets the constraint's name.</summary>
    public string Name { get; }

    /// <summary>Gets the rule.</summary>
    public Func<IReadOnlyList<double>, bool> IsSatisfied { get; }

    /// <summary>Gets the repair, if any.</summary>
    public Action<double[]>? Repair { get; }

    /// <summary>Gets the penalty.</summary>
    public double Penalty { get; }
}
