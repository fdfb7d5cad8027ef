using System.Globalization;
using Microsoft.Extensions.Options;

namespace SelfHealing.Sqlite;

/// <summary>Validates <see cref="SqliteStateStoreOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class SqliteStateStoreOptionsValidator : IValidateOptions<SqliteStateStoreOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string Section = "SelfHealing:Sqlite";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteStateStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(SqliteStateStoreOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Path))
        {
            errors.Add($"{Section}:{nameof(o.Path)} is empty; allowed: a file path.");
        }
        else if (o.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{Section}:{nameof(o.Path)} is '{o.Path}'; allowed: a file path without invalid characters.");
        }

        if (o.BusyTimeout < TimeSpan.Zero || o.BusyTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{nameof(o.BusyTimeout)} is {o.BusyTimeout}; allowed: 00:00:00 to 00:01:00."));
        }

        return errors;
    }
}
