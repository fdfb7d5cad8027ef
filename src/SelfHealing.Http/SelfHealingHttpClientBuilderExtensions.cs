using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Http;

#pragma warning disable IDE0130 // Extension methods live where IHttpClientBuilder does, so they show up without a using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Puts SelfHealing's circuit breaker into an <see cref="System.Net.Http.HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
public static class SelfHealingHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends the client's requests through a SelfHealing circuit breaker: by default one per authority, named
    /// <c>http/{client}/{host}-{port}</c>, counting 5xx, 408, 429, <see cref="HttpRequestException"/> and timeouts as
    /// failures, honouring <c>Retry-After</c>, with a 10 s attempt timeout. Options are bound from
    /// <c>SelfHealing:Http:{client}</c> (the breakers' from <c>SelfHealing:Http:{client}:Breaker</c>) and validated at
    /// start; the breakers get health checks, metrics and events like every other. Registers <c>AddSelfHealingCore()</c>'s
    /// services if they are not there yet (nothing that runs in the background: call <c>AddSelfHealing()</c> for the whole loop).
    /// </summary>
    /// <param name="builder">The client's builder, from <c>AddHttpClient</c>.</param>
    /// <param name="configure">Sets the client's options.</param>
    /// <returns>The builder, for further configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddSelfHealingHandler(this IHttpClientBuilder builder, Action<SelfHealingHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddSelfHealingCore();
        if (!services.Any(d => d.ServiceType == typeof(HttpBreakerNames)))
        {
            services.AddSingleton<HttpBreakerNames>();
            services.AddSingleton(sp => new RetryAfterBook(sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IPostConfigureOptions<CircuitBreakerOptions>, HttpBreakerOptionsSetup>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SelfHealingHttpOptions>, SelfHealingHttpOptionsValidator>());
            services.TryAddSingleton<IOptionsFactory<SelfHealingHttpOptions>>(sp => new SelfHealing.DependencyInjection.LastGoodOptionsFactory<SelfHealingHttpOptions>(sp));
            services.AddSingleton<IPostConfigureOptions<SelfHealingHttpOptions>>(sp => new SelfHealing.DependencyInjection.OptionalConfigurationBinder<SelfHealingHttpOptions>(
                sp, name => $"{SelfHealingHttpOptions.ConfigurationSection}:{HttpBreakerNames.ClientName(name)}"));
        }

        string client = builder.Name;
        OptionsBuilder<SelfHealingHttpOptions> options = services.AddOptions<SelfHealingHttpOptions>(client).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<IOptionsChangeTokenSource<SelfHealingHttpOptions>>(sp => new SelfHealing.DependencyInjection.OptionalConfigurationChangeTokenSource<SelfHealingHttpOptions>(sp, client));
        builder.AddHttpMessageHandler(sp => new SelfHealingHttpHandler(
            client,
            sp.GetRequiredService<CircuitBreakerRegistry>(),
            sp.GetRequiredService<HttpBreakerNames>(),
            sp.GetRequiredService<IOptionsMonitor<SelfHealingHttpOptions>>(),
            sp.GetRequiredService<IOptionsFactory<CircuitBreakerOptions>>()));
        return builder;
    }
}
