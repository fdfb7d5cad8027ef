namespace SelfHealing.Configuration;

/// <summary>
/// One version of the tuned configuration: immutable, so a reader holding it sees one consistent set of values
/// while newer versions are applied.
/// </summary>
/// <param name="Version">The version number, growing by one per applied change.</param>
/// <param name="Timestamp">When it was applied.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="Values">Every parameter's value, by name.</param>
public sealed record ConfigSnapshot(long Version, DateTimeOffset Timestamp, ConfigSource Source, IReadOnlyDictionary<string, object> Values)
{
    /// <summary>Gets the fitness the optimizer measured for it, if any.</summary>
    public double? Fitness { get; init; }

    /// <summary>Gets why it was applied (a rollback's reason, the limits that cut a change...).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets a value.</summary>
    /// <typeparam name="T">The parameter's value type: bool, long, double, string or TimeSpan.</typeparam>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">No parameter of that name.</exception>
    /// <exception cref="InvalidCastException">The parameter's values are not of type <typeparamref name="T"/>.</exception>
    public T Get<T>(string name) => Values.TryGetValue(name, out object? value)
        ? (T)value
        : throw new KeyNotFoundException($"The configuration has no parameter '{name}'; it has {string.Join(", ", Values.Keys.Order(StringComparer.Ordinal))}.");
}
