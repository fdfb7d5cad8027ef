using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>
/// The README's quick start as a real Kestrel app on 127.0.0.1: one breaker with the quick start's options in front of
/// an HttpClient call, the fallback answer, <c>MapSelfHealingHealthChecks("/health")</c>, default logging levels
/// (every line at Warning or above is counted).
/// </summary>
internal sealed class QuickStartApp : IAsyncDisposable
{
    public const string FallbackBody = "The forecast is unavailable right now.";
    private readonly WebApplication _app;

    private QuickStartApp(WebApplication app, Uri address, LogCounter log)
    {
        _app = app;
        Address = address;
        Log = log;
    }

    public Uri Address { get; }

    public LogCounter Log { get; }

    public IServiceProvider Services => _app.Services;

    public CircuitBreaker Breaker => _app.Services.GetRequiredKeyedService<CircuitBreaker>("weather");

    /// <summary>The quick start's options, as README.md shows them.</summary>
    public static void QuickStartOptions(CircuitBreakerOptions options)
    {
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 10;
        options.BreakDuration = TimeSpan.FromSeconds(15);
        options.Timeout = TimeSpan.FromMilliseconds(500);
    }

    public static async Task<QuickStartApp> StartAsync(Uri dependency, Action<CircuitBreakerOptions>? adjust = null)
    {
        var log = new LogCounter(TimeProvider.System);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Services.AddHttpClient();
        builder.Services.AddSelfHealing(selfHealing => selfHealing.AddCircuitBreaker("weather", options =>
        {
            QuickStartOptions(options);
            adjust?.Invoke(options);
        }));

        WebApplication app = builder.Build();
        app.MapSelfHealingHealthChecks("/health");
        app.MapGet("/forecast", async (
            [FromKeyedServices("weather")] CircuitBreaker breaker,
            IHttpClientFactory httpClients,
            CancellationToken cancellationToken) =>
        {
            return await breaker.ExecuteWithFallbackAsync(
                static async (state, ct) => await state.Client.GetStringAsync(state.Dependency, ct),
                (Client: httpClients.CreateClient(), Dependency: dependency),
                Fallback.FromValue(FallbackBody),
                cancellationToken);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new QuickStartApp(app, new Uri(address), log);
    }

    public EventSubscription Subscribe(string name, Func<SelfHealingEvent, bool> filter) =>
        _app.Services.GetRequiredService<IEventHub>().Subscribe(name, filter);

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
