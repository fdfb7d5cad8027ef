using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Binds options from a configuration section when the application has an <see cref="IConfiguration"/>.
/// It post-configures, so values from configuration override what code set: operators can change a
/// setting without a rebuild.
/// </summary>
internal sealed class OptionalConfigurationBinder<TOptions>(IServiceProvider services, Func<string, string> sectionOf) : IPostConfigureOptions<TOptions>
    where TOptions : class
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is not IConfiguration configuration)
        {
            return;
        }

        IConfigurationSection section = configuration.GetSection(sectionOf(name ?? Options.DefaultName));
        if (section.Exists())
        {
            section.Bind(options);
        }
    }
}
