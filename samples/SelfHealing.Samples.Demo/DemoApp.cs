using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Samples.Demo;

/// <summary>Builds the demo: the simulated shop under load, the whole SelfHealing loop, the dashboard, the scenarios.</summary>
public static class DemoApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? adjust = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        var shop = new Shop();
        builder.Services.AddSingleton(shop);
        builder.Services.AddSingleton<ShopTuning>();
        builder.Services.AddSingleton<CascadeLab>();
        builder.Services.AddSingleton<Scenarios>();
        builder.Services.AddHostedService<ShopLoad>();
        builder.Logging.AddFilter("SelfHealing", LogLevel.Warning);

        ISelfHealingBuilder selfHealing = builder.Services.AddSelfHealing()
            .AddDashboard(options => options.Title = "SelfHealing demo: the shop")
            .AddAdaptiveParameters([.. ShopTuning.Parameters])
            .ConfigureAdaptiveConfiguration(options => options.HistorySize = 500)
            .ConfigureHealth(options => options.LogAlerts = false)
            .ConfigureRecovery(options =>
            {
                options.VerificationInterval = TimeSpan.FromMilliseconds(200);
                options.VerificationTimeout = TimeSpan.FromSeconds(5);
            })
            .AddRecoveryPlan(plan =>
            {
                plan.FailureType = FailureTypes.Critical;
                plan.Primary = RecoveryStrategy.Restart;
                plan.MaxRetries = 1;
                plan.RetryDelay = TimeSpan.FromMilliseconds(200);
            });

        foreach ((string name, string[] needs) in Shop.Layout)
        {
            string component = name;
            selfHealing.AddCircuitBreaker(component, options =>
            {
                options.FailureRatio = 0.5;
                options.MinimumThroughput = 10;
                options.SamplingDuration = TimeSpan.FromSeconds(2);
                options.BreakDuration = TimeSpan.FromSeconds(1);
                options.Timeout = needs.Length == 0 ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(1);
            });
            selfHealing.AddHealthComponent(component, c => c
                .UseProbe(ct => shop[component].ProbeAsync(ct))
                .DependsOn(needs)
                .Interval(TimeSpan.FromMilliseconds(250))
                .Threshold(HealthMetricNames.ErrorRate, t => Levels(t, degraded: 0.05, critical: 0.2))
                .Threshold(HealthMetricNames.ResponseTime, t => Levels(t, degraded: 100, critical: 300)));
            selfHealing.AddHealableComponent(component, h => h.OnRestart(ct => shop.RestartAsync(component, ct)));
        }

        // The cascade lab's breaker: short timeout, opens fast, probes again after 2 s.
        selfHealing.AddCircuitBreaker(CascadeLab.BreakerName, options =>
        {
            options.FailureRatio = 0.5;
            options.MinimumThroughput = 10;
            options.SamplingDuration = TimeSpan.FromSeconds(2);
            options.BreakDuration = TimeSpan.FromSeconds(2);
            options.Timeout = TimeSpan.FromMilliseconds(150);
        });

        adjust?.Invoke(builder);
        WebApplication app = builder.Build();
        shop.Connect(app.Services.GetRequiredService<CircuitBreakerRegistry>());

        app.MapSelfHealingDashboard("/selfhealing");
        app.MapSelfHealingHealthChecks("/health");
        app.MapGet("/", () => Results.Content(DemoPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/shop", async (Shop shop, CancellationToken cancellationToken) =>
            await shop.ServeAsync(cancellationToken) ? Results.Text("served") : Results.Text("the shop failed", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/demo/status", (Scenarios scenarios, CascadeLab lab) => Results.Json(new
        {
            running = scenarios.Running,
            log = scenarios.Log,
            lab = new
            {
                withBreaker = new { lab.Protected.Counts.Served, lab.Protected.Counts.Failed },
                withoutBreaker = new { lab.Unprotected.Counts.Served, lab.Unprotected.Counts.Failed },
            },
        }));
        app.MapPost("/demo/scenarios/{name}", (string name, Scenarios scenarios) =>
        {
            if (!Scenarios.Names.Contains(name))
            {
                return Results.Problem($"No scenario is named '{name}'; allowed: {string.Join(", ", Scenarios.Names)}.", statusCode: StatusCodes.Status404NotFound);
            }

            return scenarios.Start(name) is null
                ? Results.Problem($"The scenario '{scenarios.Running}' is running; wait for it to end.", statusCode: StatusCodes.Status409Conflict)
                : Results.Accepted("/demo/status");
        });
        app.MapPost("/demo/stop", async (Scenarios scenarios) =>
        {
            await scenarios.StopAsync();
            return Results.NoContent();
        });
        return app;
    }

    /// <summary>Builds and starts the demo on 127.0.0.1 with an ephemeral port, quiet; returns it and its address.</summary>
    public static async Task<(WebApplication App, string Address)> StartOnLoopbackAsync()
    {
        WebApplication app = Build(["--urls", "http://127.0.0.1:0"], builder => builder.Logging.ClearProviders());
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private static void Levels(MetricThreshold threshold, double degraded, double critical)
    {
        threshold.Degraded = degraded;
        threshold.Critical = critical;
        threshold.SamplesToWorsen = 2;
        threshold.SamplesToRecover = 2;
    }
}
