using System.Diagnostics.Metrics;

namespace SelfHealing.Metrics.Storage;

/// <summary>
/// A <c>meter/instrument</c> pattern where <c>*</c> matches any run of characters (case-insensitive, as meter
/// and instrument names are); without a slash it matches every instrument of the meters it names.
/// </summary>
internal sealed class InstrumentPattern
{
    private readonly string _meter;
    private readonly string _instrument;

    private InstrumentPattern(string meter, string instrument)
    {
        _meter = meter;
        _instrument = instrument;
    }

    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "a meter name or meter/instrument pattern, not empty";
        }

        int slashes = pattern.Count(c => c == '/');
        return slashes > 1 || pattern.StartsWith('/') || pattern.EndsWith('/')
            ? "one meter pattern, optionally followed by a slash and one instrument pattern (for example System.Net.Http/http.client.*)"
            : null;
    }

    public static InstrumentPattern Parse(string pattern)
    {
        if (Problem(pattern) is { } problem)
        {
            throw new ArgumentException($"The instrument pattern '{pattern}' is invalid; expected {problem}.", nameof(pattern));
        }

        int slash = pattern.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new(pattern.Trim(), "*") : new(pattern[..slash].Trim(), pattern[(slash + 1)..].Trim());
    }

    public bool Matches(Instrument instrument) => Glob(_meter, instrument.Meter.Name) && Glob(_instrument, instrument.Name);

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.Equals(text, StringComparison.OrdinalIgnoreCase);
        }

        if (!text.StartsWith(pattern[..star], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ReadOnlySpan<char> rest = pattern[(star + 1)..];
        for (int i = star; i <= text.Length; i++)
        {
            if (Glob(rest, text[i..]))
            {
                return true;
            }
        }

        return false;
    }
}
