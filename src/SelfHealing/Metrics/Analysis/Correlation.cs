namespace SelfHealing.Metrics.Analysis;

/// <summary>How two series move together.</summary>
/// <param name="Coefficient">Pearson's r at the best lag, from -1 to 1; NaN when it is undefined (too few pairs, or a series that does not vary).</param>
/// <param name="Lag">
/// The shift, in samples, at which the series correlate most strongly: positive when the first series moves
/// first (its sample <c>i</c> pairs with the second's <c>i + Lag</c>), negative when the second does.
/// </param>
/// <param name="Pairs">How many pairs of samples the coefficient is computed from.</param>
public readonly record struct Correlation(double Coefficient, int Lag, int Pairs)
{
    /// <summary>Gets a value indicating whether the coefficient is defined.</summary>
    public bool IsDefined => !double.IsNaN(Coefficient);
}
