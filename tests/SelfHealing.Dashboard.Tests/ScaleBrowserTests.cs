using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using SelfHealing.Health;
using Xunit.Abstractions;

namespace SelfHealing.Dashboard.Tests;

/// <summary>A large app on the page: 1,000 components in a dependency graph and 200 breakers.</summary>
public sealed class ScaleBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Components = 1000;
    private const int Breakers = 200;
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task The_page_holds_a_thousand_components_and_two_hundred_breakers_without_freezing()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSelfHealing(selfHealing =>
        {
            selfHealing.AddDashboard();
            for (int i = 0; i < Breakers; i++)
            {
                selfHealing.AddCircuitBreaker(string.Create(CultureInfo.InvariantCulture, $"dependency-{i:D3}"));
            }

            // Ten layers of a hundred: each component needs two of the layer below.
            for (int i = 0; i < Components; i++)
            {
                int layer = i / 100;
                string[] needs = layer == 0 ? [] : [Name(((layer - 1) * 100) + (i % 100)), Name(((layer - 1) * 100) + ((i + 37) % 100))];
                selfHealing.AddHealthComponent(Name(i), c => c.DependsOn(needs).Interval(TimeSpan.FromHours(1)));
            }
        });
        await using WebApplication app = builder.Build();
        app.MapSelfHealingDashboard();
        await app.StartAsync();
        var monitor = app.Services.GetRequiredService<HealthMonitor>();
        for (int i = 0; i < Components; i++)
        {
            monitor.Report(Name(i), i % 97 == 0 ? HealthLevel.Critical : i % 13 == 0 ? HealthLevel.Degraded : HealthLevel.Healthy, "reported by the test");
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        (IPage page, List<string> errors) = await _browser.OpenAsync();
        await page.GotoAsync(address + "/selfhealing/");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('g[data-component]').length >= {Components}", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('tr[data-breaker]').length === {Breakers}", null, new() { Timeout = 30_000 });
        int renders = await page.EvaluateAsync<int>("() => window.selfHealingDashboard.renders");
        await page.WaitForFunctionAsync($"() => window.selfHealingDashboard.renders >= {renders + 3}", null, new() { Timeout = 30_000 });

        double first = await page.EvaluateAsync<double>("() => window.selfHealingDashboard.maxRenderMs");
        double last = await page.EvaluateAsync<double>("() => window.selfHealingDashboard.lastRenderMs");
        output.WriteLine($"render of {Components} components and {Breakers} breakers: slowest {first:F0} ms, last (unchanged graph) {last:F0} ms");
        first.Should().BeLessThan(3000, "the page must not freeze: a refresh comes every second");
        errors.Should().BeEmpty();
        await page.CloseAsync();
        await app.StopAsync();
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"service-{i:D4}");
}
