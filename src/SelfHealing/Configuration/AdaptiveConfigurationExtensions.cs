using SelfHealing.Configuration;

#pragma warning disable IDE0130 // Extension methods live in the configuration namespace, where users look for them.
namespace Microsoft.Extensions.Configuration;
#pragma warning restore IDE0130

/// <summary>Adds the tuned values of SelfHealing's adaptive configuration to an app's configuration.</summary>
public static class AdaptiveConfigurationExtensions
{
    /// <summary>
    /// Adds the source of tuned values. Call it last, so tuned values override the files. Not needed when the
    /// app's configuration is a <see cref="ConfigurationManager"/>: the manager adds it at start.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddAdaptiveConfiguration(this IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Sources.OfType<AdaptiveConfigurationSource>().Any())
        {
            builder.Add(new AdaptiveConfigurationSource());
        }

        return builder;
    }
}
