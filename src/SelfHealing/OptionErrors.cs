using System.Globalization;
using Microsoft.Extensions.Options;

namespace SelfHealing;

/// <summary>
/// Collects what is wrong with a set of options, every message in one form: the key, the value and what is
/// allowed (<c>SelfHealing:CircuitBreakers:payments:FailureRatio is 1.5; allowed: greater than 0 and at most 1.</c>).
/// </summary>
/// <param name="prefix">The configuration path of the options; empty for options that are not bound from configuration.</param>
internal sealed class OptionErrors(string prefix)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly List<string> _errors = [];

    /// <summary>The full key of a property.</summary>
    public string Key(string property) => prefix.Length == 0 ? property : $"{prefix}:{property}";

    /// <summary>Adds a message about <paramref name="property"/>: "{key} is {value}; allowed: {allowed}."</summary>
    public void Add(string property, object value, string allowed) =>
        _errors.Add(string.Create(Invariant, $"{Key(property)} is {Format(value)}; allowed: {allowed}."));

    /// <summary>Adds a message as it is.</summary>
    public void AddMessage(string message) => _errors.Add(message);

    /// <summary>Checks 0 &lt; value ≤ <paramref name="max"/> (NaN fails).</summary>
    public void Positive(string property, double value, double max = 1)
    {
        if (!(value > 0 && value <= max))
        {
            Add(property, value, string.Create(Invariant, $"greater than 0 and at most {max:N0}"));
        }
    }

    /// <summary>Checks <paramref name="min"/> ≤ value ≤ <paramref name="max"/> (NaN fails).</summary>
    public void Range(string property, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            Add(property, value, string.Create(Invariant, $"{min} to {max:#,0.######}"));
        }
    }

    /// <summary>Checks <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public void Range(string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(property, value, string.Create(Invariant, $"{min} to {max:N0}"));
        }
    }

    /// <summary>Checks <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public void Range(string property, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(property, value, string.Create(Invariant, $"{min} to {max}"));
        }
    }

    /// <summary>Checks that an optional number, when given, is finite.</summary>
    public void Finite(string property, double? value)
    {
        if (value is { } given && !double.IsFinite(given))
        {
            Add(property, given, "a finite number");
        }
    }

    /// <summary>Checks a component's name (see <see cref="ComponentNames"/>).</summary>
    public void ComponentName(string property, string? value)
    {
        try
        {
            ComponentNames.ThrowIfInvalid(value, property);
        }
        catch (ArgumentException)
        {
            Add(property, $"'{value}'", "1 to 128 letters, digits, '-', '_', '.' or '/'");
        }
    }

    /// <summary>Checks that an enum value is defined.</summary>
    public void Defined<TEnum>(string property, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            Add(property, value, string.Join(", ", Enum.GetNames<TEnum>()));
        }
    }

    /// <summary>Gets whether any problem was found.</summary>
    public bool Any => _errors.Count > 0;

    /// <summary>Every problem, one per line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _errors);

    /// <summary>Adds every problem another collector found (for nested options).</summary>
    public void Include(OptionErrors other) => _errors.AddRange(other._errors);

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public void ThrowIfAny(string paramName)
    {
        if (_errors.Count > 0)
        {
            throw new ArgumentException(ToString(), paramName);
        }
    }

    public ValidateOptionsResult ToResult() => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    private static string Format(object value) => value switch
    {
        double d => d.ToString("R", Invariant),
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? string.Empty,
    };
}
