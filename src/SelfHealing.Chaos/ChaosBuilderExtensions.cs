using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing.Chaos;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds fault injection to a SelfHealing app.</summary>
public static class ChaosBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="ChaosInjector"/>, with <see cref="ChaosOptions"/> bound from <c>SelfHealing:Chaos</c> (configuration
    /// overrides <paramref name="configure"/>, and a reload that sets <c>Enabled</c> to false stops every fault). Off by
    /// default: nothing is injected until <see cref="ChaosOptions.Enabled"/> is true. Faults named after a breaker hit
    /// every call through it (the SelfHealing.Http handler's too); a healable component's restart by the recovery
    /// manager ends its <see cref="ChaosFaultKind.ComponentDown"/> faults. Idempotent.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddChaos(this ISelfHealingBuilder builder, Action<ChaosOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ChaosInjector)))
        {
            return builder;
        }

        SelfHealingServiceCollectionExtensions.AddSectionOptions<ChaosOptions, ChaosOptionsValidator>(services, ChaosOptionsValidator.Section);
        services.TryAddSingleton(sp => new ChaosInjector(
            sp.GetRequiredService<IOptionsMonitor<ChaosOptions>>(),
            sp.GetRequiredService<IEventHub>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ChaosInjector>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ChaosInjector>().CallFaults);
        services.TryAddSingleton(sp => sp.GetRequiredService<ChaosInjector>().Interception);
        services.AddSingleton<IHostedService>(sp => new ChaosHostedService(sp.GetRequiredService<ChaosInjector>()));
        return builder;
    }
}
