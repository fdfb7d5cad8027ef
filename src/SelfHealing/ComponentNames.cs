using System.Diagnostics.CodeAnalysis;

namespace SelfHealing;

/// <summary>Checks the names users give components (breakers, subscriptions, later monitored components).</summary>
internal static class ComponentNames
{
    public const int MaxLength = 128;

    /// <summary>
    /// Throws unless <paramref name="name"/> is 1 to 128 characters of letters, digits, '-', '_', '.' or '/':
    /// names become configuration keys (where ':' separates sections) and metric tags.
    /// </summary>
    public static void ThrowIfInvalid([NotNull] string? name, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, paramName);
        if (name.Length > MaxLength)
        {
            throw new ArgumentException($"The name '{name[..32]}...' is {name.Length} characters long; allowed: at most {MaxLength}.", paramName);
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                throw new ArgumentException($"The name '{name}' contains '{c}'; allowed: letters, digits, '-', '_', '.' and '/'.", paramName);
            }
        }
    }
}
