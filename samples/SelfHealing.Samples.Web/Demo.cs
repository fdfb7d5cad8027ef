using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SelfHealing.CircuitBreakers;
using SelfHealing.Recovery;

namespace SelfHealing.Samples.Web;

/// <summary>Plays one outage of the inventory service against the running app and prints what its users and operators saw.</summary>
internal static class Demo
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(WebApplication app, InventoryService inventory)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var client = new HttpClient { BaseAddress = address };
        var recovery = app.Services.GetRequiredService<RecoveryManager>();
        var clock = Stopwatch.StartNew();
        void Say(string line) => Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0}s  {line}");

        Say($"the app at {address}, the inventory service at {inventory.Address}");
        for (int i = 0; i < 5; i++)
        {
            Say($"GET /stock/42 -> {await client.GetStringAsync("stock/42")}");
        }

        // The handler creates its breaker with the first request.
        CircuitBreaker breaker = app.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("inventory");

        inventory.Failing = true;
        Say("the inventory service starts failing (every answer a 500)");
        int reached = inventory.Requests;
        for (int i = 0; breaker.State != CircuitState.Open && i < 20; i++)
        {
            using HttpResponseMessage answer = await client.GetAsync("stock/42");
            Say($"GET /stock/42 -> {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        Say($"circuit inventory: {breaker.State} after {inventory.Requests - reached} attempts reached the failing service (the retry tries each request 3 times)");
        for (int i = 0; i < 3; i++)
        {
            Say($"GET /stock/42 -> {await client.GetStringAsync("stock/42")}");
        }

        using (HttpResponseMessage health = await client.GetAsync("health"))
        {
            using JsonDocument body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            Say($"/health: {(int)health.StatusCode} ({body.RootElement.GetProperty("status").GetString()}): the app is serving its fallback");
        }

        await Until(() => recovery.OpenIncidents.Any(i => i.Component == "inventory"), "an incident opens");
        Say($"incident opened: {recovery.OpenIncidents.First(i => i.Component == "inventory").Timeline[^1].Message}");

        await Task.Delay(TimeSpan.FromSeconds(1));
        inventory.Failing = false;
        Say("the inventory service answers again");
        await Until(() => recovery.IncidentHistory.Any(i => i.Component == "inventory"), "the incident closes");
        Incident closed = recovery.IncidentHistory.Last(i => i.Component == "inventory");
        Say($"incident {closed.Status}: {closed.Timeline[^1].Message}");

        for (int i = 0; i < 40; i++)
        {
            string answer = await client.GetStringAsync("stock/42");
            if (answer.EndsWith("(live)", StringComparison.Ordinal))
            {
                Say($"GET /stock/42 -> {answer}; circuit inventory: {breaker.State}");
                break;
            }

            await Task.Delay(250);
        }

        Say("what Prometheus scrapes from /metrics (SelfHealing's series):");
        string metrics = await client.GetStringAsync("metrics");
        foreach (string line in metrics.Split('\n').Where(l => l.StartsWith("selfhealing_circuit_calls_total", StringComparison.Ordinal)
            || l.StartsWith("selfhealing_incidents_", StringComparison.Ordinal) || l.StartsWith("selfhealing_recovery_actions_total", StringComparison.Ordinal)))
        {
            Console.WriteLine($"        {line}");
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Patience)
            {
                throw new TimeoutException($"The demo waited {Patience.TotalSeconds} s for: {what}.");
            }

            await Task.Delay(50);
        }
    }
}
