using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Declares tunable parameters of the adaptive configuration on an <see cref="ISelfHealingBuilder"/>.</summary>
public static class ConfigurationBuilderExtensions
{
    /// <summary>Declares tunable parameters; their values reach the app's configuration under their names.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="parameters">The parameters (<see cref="ParameterDefinition.Integer"/> and the like).</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddAdaptiveParameters(this ISelfHealingBuilder builder, params ParameterDefinition[] parameters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parameters);
        builder.AddAdaptiveConfiguration();
        foreach (ParameterDefinition parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            builder.Services.AddSingleton(parameter);
        }

        return builder;
    }

    /// <summary>Configures the adaptive configuration manager (also bound from <c>SelfHealing:Configuration</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder ConfigureAdaptiveConfiguration(this ISelfHealingBuilder builder, Action<AdaptiveConfigOptions> configure) =>
        builder.ConfigureOptions(configure);
}
