// A flaky dependency behind a circuit breaker: watch the circuit open and the fallback answer, the health
// monitor detect the failure, the recovery manager restart the service and verify it, and the circuit close again.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;
using SelfHealing.Samples.Console;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the sample prints the breaker's events itself
builder.Services.AddSingleton<FlakyInventory>();
builder.Services.AddSelfHealing(selfHealing => selfHealing
    .AddCircuitBreaker("inventory", options =>
    {
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 4;
        options.SamplingDuration = TimeSpan.FromSeconds(2);
        options.BreakDuration = TimeSpan.FromMilliseconds(800);
        options.HalfOpenProbes = 2;
    })
    .AddHealthComponent("inventory-service", component => component
        .UseProbe<InventoryProbe>()
        .Interval(TimeSpan.FromMilliseconds(250))
        .Threshold(HealthMetricNames.ErrorRate, threshold =>
        {
            threshold.Degraded = 0.2;
            threshold.Critical = 0.5;
            threshold.SamplesToWorsen = 1;
            threshold.SamplesToRecover = 1;
        }))
    .AddHealableComponent<InventoryHealing>("inventory-service")
    .ConfigureHealth(options => options.LogAlerts = false)); // the sample prints changes itself

using IHost host = builder.Build();
await host.StartAsync();

var inventory = host.Services.GetRequiredService<FlakyInventory>();
var breaker = host.Services.GetRequiredKeyedService<CircuitBreaker>("inventory");
var time = host.Services.GetRequiredService<TimeProvider>();
var metrics = host.Services.GetRequiredService<IMetricsCollector>();
MetricTimer callTime = metrics.Timer("sample.inventory.call");
long started = time.GetTimestamp();
string Elapsed() => $"{time.GetElapsedTime(started).TotalSeconds,5:0.0}s";

ISelfHealing selfHealing = host.Services.GetRequiredService<ISelfHealing>();

// Print every state change as it happens, from the event hub.
using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("sample-console");
Task printer = Task.Run(async () =>
{
    await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
    {
        if (e is CircuitStateChanged change)
        {
            Console.WriteLine($"{Elapsed()}  ==> circuit '{change.CircuitName}' {change.PreviousState} -> {change.State}: {change.Reason}");
        }
        else if (e is HealthChanged health && health.Component == "inventory-service")
        {
            Console.WriteLine($"{Elapsed()}  ==> health of '{health.Component}' {health.PreviousLevel} -> {health.Level}: {health.Reason}");
            if (health.Level >= HealthLevel.Critical)
            {
                // What the library knows about the component, joined into one diagnosis (the loop acts on the same).
                Diagnosis? diagnosis = await selfHealing.DetectAnomalyAsync(health.Component);
                Console.WriteLine(diagnosis is null
                    ? $"{Elapsed()}  ==> diagnosis of '{health.Component}': no trouble any more"
                    : $"{Elapsed()}  ==> diagnosis of '{health.Component}': {diagnosis.Kind}, root cause {diagnosis.RootCause}; evidence: "
                        + string.Join("; ", diagnosis.Evidence.Select(x => $"{x.Source} {x.Subject}: {x.Detail}")));
            }
        }
        else if (e is IncidentChanged { Incident: { Timeline.Count: > 0 } incident } && incident.Timeline[^1].Kind != "event")
        {
            Console.WriteLine($"{Elapsed()}  ==> incident {incident.Status}, {incident.Timeline[^1].Kind}: {incident.Timeline[^1].Message}");
        }
    }
});

// Answers with the last stock level that was read successfully, or -1 before there is one.
LastGoodValueFallback<int> lastKnownStock = Fallback.LastGoodValue(otherwise: Fallback.FromValue(-1));

Console.WriteLine("Calling the inventory service every 100 ms; its connection pool breaks at 1.0 s, until it is restarted.");
for (int call = 0; call < 50; call++)
{
    (int servedBefore, int failedBefore) = (inventory.Served, inventory.Failed);
    MetricTimerScope timing = callTime.Start();
    int stock = await breaker.ExecuteWithFallbackAsync(
        static (service, ct) => service.GetStockAsync("sku-42", ct),
        inventory,
        lastKnownStock);
    timing.Stop();
    string source = inventory.Served > servedBefore ? "live"
        : inventory.Failed > failedBefore ? "fallback: the call failed"
        : $"fallback: rejected, circuit {breaker.State}";
    Console.WriteLine($"{Elapsed()}  stock of sku-42 = {stock,3}  ({source})");
    await Task.Delay(TimeSpan.FromMilliseconds(100), time);
}

await host.Services.GetRequiredService<HealthMonitor>().CheckNowAsync("inventory-service"); // its latest calls, now
HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
Console.WriteLine($"Health: {health.Status}; {health.Entries["circuit-breaker:inventory"].Description}");
Console.WriteLine($"Calls the inventory served: {inventory.Served}, failed: {inventory.Failed}; the rest were answered by the fallback.");
IReadOnlyList<Incident> incidents = host.Services.GetRequiredService<RecoveryManager>().IncidentHistory;
Incident? last = incidents.Count == 0 ? null : incidents[^1];
Console.WriteLine($"Recovery: {inventory.Restarts} restart(s); last incident {last?.Status.ToString() ?? "none"}"
    + (last is null ? "" : $" after {string.Join(", ", last.Attempts.Select(a => $"{a.Strategy} #{a.Attempt} ({(a.Succeeded ? "verified" : "not verified")})"))}"));

// The collector saw every call: the timer above, and the breaker's own meter through its listener. The breaker's call
// counter is observable (its totals are read at the end of each one-second bucket), so let the last bucket end.
await Task.Delay(TimeSpan.FromSeconds(1.2), time);
AggregatedMetric calls = await metrics.AggregateAsync("sample.inventory.call", TimeSpan.FromMinutes(1));
Console.WriteLine($"Metrics: {calls.Count} calls, p50 {calls.P50 * 1000:F1} ms, p99 {calls.P99 * 1000:F1} ms");
foreach (string outcome in new[] { "success", "failure", "rejected" })
{
    AggregatedMetric byOutcome = await metrics.AggregateAsync(SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), MetricTags.From(
        new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, "inventory"),
        new KeyValuePair<string, object?>(SelfHealingMeter.OutcomeTag, outcome)));
    Console.WriteLine($"Metrics: breaker calls with outcome {outcome}: {byOutcome.Sum}");
}

await host.StopAsync(); // completes the event hub, so the printer drains and ends
await printer;
