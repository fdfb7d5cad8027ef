using System.Globalization;

namespace SelfHealing.Configuration;

/// <summary>
/// One tunable parameter: its configuration key, type, default and constraints (bounds, step, allowed values, a
/// validator of your own), and how far one change may move it (<see cref="MaxChange"/>, for gradual change).
/// Create one with <see cref="Boolean"/>, <see cref="Integer"/>, <see cref="Float"/>, <see cref="String"/> or
/// <see cref="Duration"/>. Values are <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="string"/> and <see cref="TimeSpan"/>; strings in those types' invariant forms are accepted too.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The factories are named after the value types of the specification.")]
public sealed class ParameterDefinition
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly Func<object, string?>? _validate;

    private ParameterDefinition(string name, ParameterType type, object defaultValue, double? minimum, double? maximum, double? step, double? maxChange, IReadOnlyList<string>? allowed, Func<object, string?>? validate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Type = type;
        Minimum = minimum;
        Maximum = maximum;
        Step = step;
        MaxChange = maxChange;
        AllowedValues = allowed;
        _validate = validate;
        var errors = new List<string>();
        if (minimum is { } min && maximum is { } max && !(min <= max))
        {
            errors.Add($"its minimum {Format(FromNumber(min))} is above its maximum {Format(FromNumber(max))}");
        }

        if (step is { } s && !(s > 0))
        {
            errors.Add($"its step {Format(FromNumber(s))} is not positive");
        }

        if (maxChange is { } m && !(m > 0))
        {
            errors.Add($"its largest change {Format(FromNumber(m))} is not positive");
        }

        if (allowed is { Count: 0 })
        {
            errors.Add("its list of allowed values is empty");
        }

        if (errors.Count == 0 && Check(defaultValue, out object? normalized) is { } problem)
        {
            errors.Add($"its default: {problem}");
        }
        else
        {
            normalized = errors.Count == 0 ? Normalize(defaultValue) : defaultValue;
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"The parameter {name} is invalid: {string.Join("; ", errors)}.", nameof(defaultValue));
        }

        DefaultValue = normalized!;
    }

    /// <summary>Gets the parameter's configuration key (for example <c>Orders:PoolSize</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the parameter's type.</summary>
    public ParameterType Type { get; }

    /// <summary>Gets the default value.</summary>
    public object DefaultValue { get; }

    /// <summary>Gets the smallest value allowed (numbers; durations in seconds), if any.</summary>
    public double? Minimum { get; }

    /// <summary>Gets the largest value allowed (numbers; durations in seconds), if any.</summary>
    public double? Maximum { get; }

    /// <summary>Gets the step values must sit on, counted from the minimum (or zero), if any.</summary>
    public double? Step { get; }

    /// <summary>Gets the most one change may move the value (numbers; durations in seconds), if any: a larger change is cut to it.</summary>
    public double? MaxChange { get; }

    /// <summary>Gets the values allowed, if the parameter is restricted to a list (strings).</summary>
    public IReadOnlyList<string>? AllowedValues { get; }

    /// <summary>Defines a boolean parameter.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="validate">Returns a problem in words, or <see langword="null"/> for a good value.</param>
    /// <returns>The definition.</returns>
    public static ParameterDefinition Boolean(string name, bool defaultValue, Func<bool, string?>? validate = null) =>
        new(name, ParameterType.Boolean, defaultValue, null, null, null, null, null, validate is null ? null : v => validate((bool)v));

    /// <summary>Defines an integer parameter.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="minimum">The smallest value allowed.</param>
    /// <param name="maximum">The largest value allowed.</param>
    /// <param name="step">The step values sit on, from the minimum; default 1.</param>
    /// <param name="maxChange">The most one change may move it; none when <see langword="null"/>.</param>
    /// <param name="validate">Returns a problem in words, or <see langword="null"/> for a good value.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The bounds, step, largest change or default do not hold together.</exception>
    public static ParameterDefinition Integer(string name, long defaultValue, long minimum, long maximum, long step = 1, long? maxChange = null, Func<long, string?>? validate = null) =>
        new(name, ParameterType.Integer, defaultValue, minimum, maximum, step, maxChange, null, validate is null ? null : v => validate((long)v));

    /// <summary>Defines a floating-point parameter.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="minimum">The smallest value allowed.</param>
    /// <param name="maximum">The largest value allowed.</param>
    /// <param name="step">The step values sit on, from the minimum; none when <see langword="null"/>.</param>
    /// <param name="maxChange">The most one change may move it; none when <see langword="null"/>.</param>
    /// <param name="validate">Returns a problem in words, or <see langword="null"/> for a good value.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The bounds, step, largest change or default do not hold together.</exception>
    public static ParameterDefinition Float(string name, double defaultValue, double minimum, double maximum, double? step = null, double? maxChange = null, Func<double, string?>? validate = null) =>
        new(name, ParameterType.Float, defaultValue, minimum, maximum, step, maxChange, null, validate is null ? null : v => validate((double)v));

    /// <summary>Defines a string parameter.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="allowedValues">The values allowed; any when <see langword="null"/>.</param>
    /// <param name="validate">Returns a problem in words, or <see langword="null"/> for a good value.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The default is not allowed, or the list is empty.</exception>
    public static ParameterDefinition String(string name, string defaultValue, IReadOnlyList<string>? allowedValues = null, Func<string, string?>? validate = null) =>
        new(name, ParameterType.String, defaultValue, null, null, null, null, allowedValues is null ? null : [.. allowedValues], validate is null ? null : v => validate((string)v));

    /// <summary>Defines a duration parameter.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="minimum">The shortest value allowed.</param>
    /// <param name="maximum">The longest value allowed.</param>
    /// <param name="step">The step values sit on, from the minimum; none when <see langword="null"/>.</param>
    /// <param name="maxChange">The most one change may move it; none when <see langword="null"/>.</param>
    /// <param name="validate">Returns a problem in words, or <see langword="null"/> for a good value.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The bounds, step, largest change or default do not hold together.</exception>
    public static ParameterDefinition Duration(string name, TimeSpan defaultValue, TimeSpan minimum, TimeSpan maximum, TimeSpan? step = null, TimeSpan? maxChange = null, Func<TimeSpan, string?>? validate = null) =>
        new(name, ParameterType.Duration, defaultValue, minimum.TotalSeconds, maximum.TotalSeconds, step?.TotalSeconds, maxChange?.TotalSeconds, null, validate is null ? null : v => validate((TimeSpan)v));

    /// <summary>Checks a value: converts it to the parameter's type and applies every constraint.</summary>
    /// <param name="value">The value, of the parameter's type or as an invariant string.</param>
    /// <param name="normalized">The value in the parameter's type, when it is good.</param>
    /// <returns>The problem in words, or <see langword="null"/> for a good value.</returns>
    public string? Check(object? value, out object? normalized)
    {
        normalized = null;
        object? typed = Convert(value);
        if (typed is null)
        {
            return $"{Describe(value)} is not a {Type.ToString().ToLowerInvariant()}";
        }

        if (Minimum is { } min && ToNumber(typed) < min)
        {
            return $"{Format(typed)} is below the minimum {Format(FromNumber(min))}";
        }

        if (Maximum is { } max && ToNumber(typed) > max)
        {
            return $"{Format(typed)} is above the maximum {Format(FromNumber(max))}";
        }

        if (Step is { } step)
        {
            double steps = (ToNumber(typed) - (Minimum ?? 0)) / step;
            if (Math.Abs(steps - Math.Round(steps)) > 1e-9 * Math.Max(1, Math.Abs(steps)))
            {
                return $"{Format(typed)} is not on a step of {Format(FromNumber(step))} from {Format(FromNumber(Minimum ?? 0))}";
            }
        }

        if (AllowedValues is { } allowed && !allowed.Contains((string)typed, StringComparer.Ordinal))
        {
            return $"'{typed}' is not one of {string.Join(", ", allowed)}";
        }

        if (_validate?.Invoke(typed) is { } problem)
        {
            return problem;
        }

        normalized = typed;
        return null;
    }

    /// <summary>Formats a value the way configuration holds it (invariant culture; durations as <c>c</c>).</summary>
    /// <param name="value">A value of the parameter's type.</param>
    /// <returns>The text.</returns>
    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(Invariant),
        double d => d.ToString("R", Invariant),
        TimeSpan t => t.ToString("c", Invariant),
        _ => value.ToString() ?? "",
    };

    /// <summary>The value moved from <paramref name="current"/> towards <paramref name="target"/> by at most <see cref="MaxChange"/>, on a step.</summary>
    internal object Limit(object current, object target)
    {
        if (MaxChange is not { } most || Type is ParameterType.Boolean or ParameterType.String)
        {
            return target;
        }

        double from = ToNumber(current);
        double to = ToNumber(target);
        if (Math.Abs(to - from) <= most)
        {
            return target;
        }

        double moved = from + (Math.Sign(to - from) * most);
        if (Step is { } step)
        {
            double origin = Minimum ?? 0;
            double steps = (moved - origin) / step;
            moved = origin + ((to > from ? Math.Floor(steps + 1e-9) : Math.Ceiling(steps - 1e-9)) * step);
        }

        return FromNumber(moved);
    }

    private object Normalize(object value) => Convert(value)!;

    private object? Convert(object? value) => (Type, value) switch
    {
        (_, null) => null,
        (ParameterType.Boolean, bool b) => b,
        (ParameterType.Boolean, string s) => bool.TryParse(s, out bool b) ? b : null,
        (ParameterType.Integer, long l) => l,
        (ParameterType.Integer, int i) => (long)i,
        (ParameterType.Integer, double d) when d == Math.Round(d) && Math.Abs(d) < 9e15 => (long)d,
        (ParameterType.Integer, string s) => long.TryParse(s, NumberStyles.Integer, Invariant, out long l) ? l : null,
        (ParameterType.Float, double d) when double.IsFinite(d) => d,
        (ParameterType.Float, long l) => (double)l,
        (ParameterType.Float, int i) => (double)i,
        (ParameterType.Float, string s) => double.TryParse(s, NumberStyles.Float, Invariant, out double d) && double.IsFinite(d) ? d : null,
        (ParameterType.String, string s) => s,
        (ParameterType.Duration, TimeSpan t) => t,
        (ParameterType.Duration, string s) => TimeSpan.TryParse(s, Invariant, out TimeSpan t) ? t : null,
        _ => null,
    };

    private static double ToNumber(object value) => value switch
    {
        long l => l,
        double d => d,
        TimeSpan t => t.TotalSeconds,
        _ => double.NaN,
    };

    private object FromNumber(double number) => Type switch
    {
        ParameterType.Integer => (long)Math.Round(number),
        ParameterType.Duration => TimeSpan.FromSeconds(number),
        _ => number,
    };

    private static string Describe(object? value) => value switch
    {
        null => "no value",
        string s => $"'{s}'",
        _ => $"{value} ({value.GetType().Name})",
    };
}
