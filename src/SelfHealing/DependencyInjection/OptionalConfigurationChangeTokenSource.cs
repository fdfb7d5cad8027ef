using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> that options bound by <see cref="OptionalConfigurationBinder{TOptions}"/>
/// change when the application's configuration reloads (no change at all without configuration); for the options of
/// <paramref name="name"/> (the default, unnamed options when omitted).
/// </summary>
internal sealed class OptionalConfigurationChangeTokenSource<TOptions>(IServiceProvider services, string? name = null) : IOptionsChangeTokenSource<TOptions>
{
    private static readonly IChangeToken NeverChanges = new CancellationChangeToken(CancellationToken.None);

    public string? Name => name ?? Options.DefaultName;

    public IChangeToken GetChangeToken() =>
        services.GetService(typeof(IConfiguration)) is IConfiguration configuration
            ? configuration.GetReloadToken()
            : NeverChanges;
}
