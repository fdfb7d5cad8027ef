using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> that options bound by <see cref="OptionalConfigurationBinder{TOptions}"/>
/// change when the application's configuration reloads (no change at all without configuration).
/// </summary>
internal sealed class OptionalConfigurationChangeTokenSource<TOptions>(IServiceProvider services) : IOptionsChangeTokenSource<TOptions>
{
    private static readonly IChangeToken NeverChanges = new CancellationChangeToken(CancellationToken.None);

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() =>
        services.GetService(typeof(IConfiguration)) is IConfiguration configuration
            ? configuration.GetReloadToken()
            : NeverChanges;
}
