// A web app whose /stock endpoint calls an inventory service through HttpClient, with Polly's retry (from
// Microsoft.Extensions.Http.Resilience) around SelfHealing's breaker (AddSelfHealingHandler). While the circuit is open the
// handler's fallback answers; /health stays 200 (Degraded: the app handles the outage); the recovery manager reconnects
// the client and verifies the dependency; OpenTelemetry exports the metrics to Prometheus (/metrics) and each incident's
// trace to the console.
//
//   dotnet run --project samples/SelfHealing.Samples.Web              serves it (the inventory service beside it)
//   dotnet run --project samples/SelfHealing.Samples.Web -- --demo    plays an outage against it, prints what happened, exits
using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Http.Resilience;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly;
using SelfHealing.Http;
using SelfHealing.OpenTelemetry;
using SelfHealing.Samples.Web;

bool demo = args.Contains("--demo");
await using InventoryService inventory = await InventoryService.StartAsync();

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
if (demo)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
}

IHttpClientBuilder inventoryClient = builder.Services.AddHttpClient("inventory", client => client.BaseAddress = inventory.Address);

// Handlers run in the order they are added. Outermost: retry what the breaker lets through (each attempt counts in the
// breaker's window).
inventoryClient.AddResilienceHandler("inventory-retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
{
    MaxRetryAttempts = 2,
    Delay = TimeSpan.FromMilliseconds(50),
    BackoffType = DelayBackoffType.Exponential,
}));
// The breaker is the named one declared below, so the recovery manager heals the component of the same name.
inventoryClient.AddSelfHealingHandler(options =>
{
    options.Scope = HttpBreakerScope.Named;
    options.BreakerName = "inventory";

    // While the circuit is open, answer for the dependency; a failed answer goes on to the retry as it is.
    options.Fallback = (fallback, cancellationToken) =>
    {
        if (fallback.Rejected)
        {
            var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("stock unknown right now") };
            answer.Headers.Add("X-Fallback", "circuit-open");
            return ValueTask.FromResult(answer);
        }

        if (fallback.Response is { } failed)
        {
            return ValueTask.FromResult(failed);
        }

        ExceptionDispatchInfo.Throw(fallback.Exception!);
        return default;
    };
});

builder.Services.AddSelfHealing(selfHealing => selfHealing
    .AddCircuitBreaker("inventory", breaker =>
    {
        breaker.MinimumThroughput = 6;
        breaker.FailureRatio = 0.5;
        breaker.BreakDuration = TimeSpan.FromSeconds(2);
        breaker.Timeout = TimeSpan.FromSeconds(1); // per attempt
    })
    // The breaker opening starts an incident: "restart" the client's connections, then verify the dependency answers.
    .AddHealableComponent("inventory", component => component
        .OnRestart(cancellationToken =>
        {
            Console.WriteLine("recovery: reconnecting to the inventory service");
            return ValueTask.CompletedTask;
        })
        .VerifyWith(async cancellationToken =>
        {
            using var probe = new HttpClient { BaseAddress = inventory.Address };
            using HttpResponseMessage health = await probe.GetAsync("health", cancellationToken);
            return health.IsSuccessStatusCode;
        }))
    .ConfigureRecovery(options =>
    {
        options.VerificationTimeout = TimeSpan.FromSeconds(10);
        options.VerificationInterval = TimeSpan.FromMilliseconds(250);
    }));

builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddSelfHealingInstrumentation().AddPrometheusExporter())
    .WithTracing(tracing => tracing.AddSelfHealingInstrumentation().AddConsoleExporter());

WebApplication app = builder.Build();
app.MapGet("/stock/{sku}", async (string sku, IHttpClientFactory clients, CancellationToken cancellationToken) =>
{
    using HttpResponseMessage answer = await clients.CreateClient("inventory").GetAsync($"stock/{sku}", cancellationToken);
    string text = await answer.Content.ReadAsStringAsync(cancellationToken);
    return answer.IsSuccessStatusCode
        ? Results.Text(answer.Headers.Contains("X-Fallback") ? $"{sku}: {text} (fallback)" : $"{text} (live)")
        : Results.Text($"{sku}: the inventory service failed ({(int)answer.StatusCode})", statusCode: StatusCodes.Status503ServiceUnavailable);
});
app.MapSelfHealingHealthChecks("/health");
app.MapPrometheusScrapingEndpoint("/metrics");

if (!demo)
{
    Console.WriteLine($"Inventory service at {inventory.Address}; try /stock/42, /health and /metrics.");
    await app.RunAsync();
    return;
}

await app.StartAsync();
await Demo.RunAsync(app, inventory);
await app.StopAsync();
