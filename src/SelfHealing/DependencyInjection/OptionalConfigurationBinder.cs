using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Binds options from a configuration section when the application has an <see cref="IConfiguration"/>.
/// It post-configures, so values from configuration override what code set: operators can change a
/// setting without a rebuild. A value of the wrong type is reported like the validators report the others: the key,
/// the value and what is allowed.
/// </summary>
internal sealed partial class OptionalConfigurationBinder<TOptions>(IServiceProvider services, Func<string, string> sectionOf) : IPostConfigureOptions<TOptions>
    where TOptions : class
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is not IConfiguration configuration)
        {
            return;
        }

        IConfigurationSection section = configuration.GetSection(sectionOf(name ?? Options.DefaultName));
        if (!section.Exists())
        {
            return;
        }

        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException exception) when (WrongType().Match(exception.Message) is { Success: true } match)
        {
            string key = match.Groups["key"].Value;
            string value = match.Groups["value"].Success ? match.Groups["value"].Value : configuration[key] ?? string.Empty;
            string allowed = RangeOf(name ?? Options.DefaultName, key[(section.Path.Length + 1)..]) is { } range
                ? $"{Describe(match.Groups["type"].Value)}; {range}"
                : Describe(match.Groups["type"].Value);
            string message = string.Create(CultureInfo.InvariantCulture, $"{key} is '{value}'; allowed: {allowed}.");
            throw new OptionsValidationException(name ?? Options.DefaultName, typeof(TOptions), [message]);
        }

        // The binder skips a dictionary entry whose key or value does not convert to the dictionary's enum: say so instead.
        List<string> skipped = [.. SkippedEnumEntries(section)];
        if (skipped.Count > 0)
        {
            throw new OptionsValidationException(name ?? Options.DefaultName, typeof(TOptions), skipped);
        }
    }

    private static IEnumerable<string> SkippedEnumEntries(IConfigurationSection section)
    {
        foreach (System.Reflection.PropertyInfo property in typeof(TOptions).GetProperties())
        {
            Type? dictionary = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IDictionary<,>)
                ? property.PropertyType
                : property.PropertyType.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
            if (dictionary is null)
            {
                continue;
            }

            Type keyType = dictionary.GetGenericArguments()[0];
            Type valueType = dictionary.GetGenericArguments()[1];
            foreach (IConfigurationSection entry in section.GetSection(property.Name).GetChildren())
            {
                if (keyType.IsEnum && !IsName(keyType, entry.Key))
                {
                    yield return $"{entry.Path} is '{entry.Value}' for an unknown key '{entry.Key}'; allowed keys: {string.Join(", ", Enum.GetNames(keyType))}.";
                }
                else if (valueType.IsEnum && entry.Value is { } value && !IsName(valueType, value))
                {
                    yield return $"{entry.Path} is '{value}'; allowed: one of {string.Join(", ", Enum.GetNames(valueType))}.";
                }
            }
        }
    }

    private static bool IsName(Type enumType, string text) =>
        Enum.TryParse(enumType, text, ignoreCase: true, out object? parsed) && !int.TryParse(text, CultureInfo.InvariantCulture, out _) && Enum.IsDefined(enumType, parsed!);

    // The range the validators state for an option: they are asked about a copy of the defaults with that option set
    // to an extreme value, and their "allowed: ..." for its key is taken. Null when they have nothing to say.
    private string? RangeOf(string name, string relativeKey)
    {
        try
        {
            object probe = Activator.CreateInstance<TOptions>();
            object owner = probe;
            string[] path = relativeKey.Split(':');
            for (int i = 0; i < path.Length - 1; i++)
            {
                owner = owner.GetType().GetProperty(path[i])?.GetValue(owner) ?? throw new InvalidOperationException();
            }

            System.Reflection.PropertyInfo? property = owner.GetType().GetProperty(path[^1]);
            Type? type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? extreme = type == typeof(double) ? double.NaN
                : type == typeof(int) ? int.MinValue
                : type == typeof(long) ? long.MinValue
                : type == typeof(TimeSpan) ? TimeSpan.MinValue
                : null;
            if (property is null || extreme is null || !property.CanWrite)
            {
                return null;
            }

            property.SetValue(owner, extreme);
            foreach (IValidateOptions<TOptions> validator in services.GetServices<IValidateOptions<TOptions>>())
            {
                foreach (string failure in validator.Validate(name, (TOptions)probe).Failures ?? [])
                {
                    int at = failure.IndexOf(relativeKey + " is ", StringComparison.Ordinal);
                    int allowed = at < 0 ? -1 : failure.IndexOf("; allowed: ", at, StringComparison.Ordinal);
                    if (allowed >= 0)
                    {
                        return failure[(allowed + 11)..].TrimEnd('.'); // one failure, one message
                    }
                }
            }
        }
#pragma warning disable CA1031 // Only a better message is at stake: without the range, the message still names key and value.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return null;
    }

    /// <summary>What a value of a CLR type looks like in configuration.</summary>
    internal static string Describe(string typeName)
    {
        Type? type = Type.GetType(typeName.Replace("System.Nullable`1[", string.Empty, StringComparison.Ordinal).Split(',', ']')[0]);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => $"a value of type {typeName}",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(int) => $"a whole number from {int.MinValue} to {int.MaxValue}",
            _ when type == typeof(long) => "a whole number",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (days)",
            _ => $"a value of type {type.Name}",
        };
    }

    [GeneratedRegex("^Failed to convert configuration value (?:'(?<value>.*)' )?at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex WrongType();
}
