using Microsoft.Extensions.Configuration;

namespace SelfHealing.Configuration;

/// <summary>
/// The configuration source through which the app's <c>IConfiguration</c> and <c>IOptionsMonitor&lt;T&gt;</c> see
/// the tuned values. Added by <c>AddAdaptiveConfiguration()</c>, or by the manager itself at start when the app's
/// configuration is a <see cref="ConfigurationManager"/> (as with <c>WebApplication</c> and <c>Host.CreateApplicationBuilder</c>).
/// Add it last, so tuned values override the files.
/// </summary>
public sealed class AdaptiveConfigurationSource : IConfigurationSource
{
    private readonly AdaptiveConfigurationProvider _provider = new();

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;
}

/// <summary>Holds the tuned values as configuration keys; each applied version replaces them and fires the reload token.</summary>
public sealed class AdaptiveConfigurationProvider : ConfigurationProvider
{
    /// <summary>Replaces the values and tells the configuration's listeners.</summary>
    /// <param name="values">The values, by configuration key, formatted.</param>
    internal void Publish(IReadOnlyDictionary<string, string> values)
    {
        Data = new Dictionary<string, string?>(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)), StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}
