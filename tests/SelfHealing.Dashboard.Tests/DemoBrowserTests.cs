using System.Diagnostics;
using Microsoft.Playwright;
using SelfHealing.Samples.Demo;
using Xunit.Abstractions;

namespace SelfHealing.Dashboard.Tests;

/// <summary>The demo in a real browser: what an operator sees when something fails, heals, is tuned, is contained.</summary>
public sealed class DemoBrowserTests(DemoFixture demo, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    private const float Long = 30_000;

    // The dashboard in a new page, once its live stream is connected.
    private async Task<(IPage Page, List<string> Errors)> OpenLiveAsync()
    {
        (IPage page, List<string> errors) = await demo.Browser.OpenAsync();
        await page.GotoAsync(demo.Dashboard);
        await page.WaitForSelectorAsync("#live[data-live='true']", new() { Timeout = Long });
        return (page, errors);
    }

    [Fact]
    public async Task The_page_loads_live_without_console_errors_and_fits_a_phone()
    {
        (IPage page, List<string> errors) = await OpenLiveAsync();
        await page.WaitForSelectorAsync("tr[data-breaker='storefront']", new() { Timeout = Long });
        await page.WaitForSelectorAsync("g[data-component='storefront']", new() { Timeout = Long });
        (await page.TitleAsync()).Should().Be("SelfHealing demo: the shop");
        await Browser.ScreenshotAsync(page, "dashboard");

        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForFunctionAsync("() => window.selfHealingDashboard.renders > 1", null, new() { Timeout = Long });
        int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().BeLessThanOrEqualTo(0, "the page is usable at a phone's width, with no sideways scrolling");
        await Browser.ScreenshotAsync(page, "dashboard-phone");

        errors.Should().BeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_failure_shows_on_the_page_within_two_seconds_and_its_incident_resolves()
    {
        (IPage page, List<string> errors) = await OpenLiveAsync();
        await page.WaitForSelectorAsync("tr[data-breaker='database'] .badge[data-state='Closed']", new() { Timeout = Long });

        long injected = Stopwatch.GetTimestamp();
        demo.Shop["database"].Down = true;
        await page.WaitForSelectorAsync("tr[data-breaker='database'] .badge[data-state='Open']", new() { Timeout = 2_000 });
        output.WriteLine($"the database's breaker showed Open {Stopwatch.GetElapsedTime(injected).TotalMilliseconds:F0} ms after the failure was injected");

        // The database's own incident: a dependent's incident names the database too (its root cause, its recovery).
        ILocator incident = page.Locator("details.incident[data-component='database']");
        await incident.First.WaitForAsync(new() { Timeout = Long });
        await Browser.ScreenshotAsync(page, "scenario-basic-failing");
        ILocator firstResolved = page.Locator("#incidents-closed details.incident[data-component='database'][data-status='Resolved']").First;
        await firstResolved.WaitForAsync(new() { Timeout = Long });

        // That one incident, by its id: the list is redrawn as news arrives, and a later incident may come first.
        string id = (await firstResolved.GetAttributeAsync("data-incident"))!;
        ILocator resolved = page.Locator($"#incidents-closed details.incident[data-incident='{id}']");
        await resolved.Locator("summary").ClickAsync();
        (await resolved.Locator(".timeline").TextContentAsync()).Should().Contain("Restart");
        await Browser.ScreenshotAsync(page, "scenario-basic-resolved");

        errors.Should().BeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_optimizer_chart_grows_by_a_generation_as_the_optimizer_runs()
    {
        (IPage page, List<string> errors) = await OpenLiveAsync();
        int before = int.Parse(await page.GetAttributeAsync("#optimizer-chart", "data-generations") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        Task<bool>? run = demo.Scenarios.Start("optimize");
        run.Should().NotBeNull("no other scenario runs");
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('optimizer-chart').dataset.generations) >= {before + 3}", null, new() { Timeout = Long });
        (await page.Locator("#optimizer-chart canvas").CountAsync()).Should().BeGreaterThan(0, "the convergence is drawn");
        (await page.Locator("#config-history tr[data-version]").CountAsync()).Should().BeGreaterThan(1, "each promotion is a configuration version");
        await page.Locator("#optimizer").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "scenario-optimize");
        await demo.Scenarios.StopAsync();

        errors.Should().BeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_cascade_is_contained_by_the_breaker_while_the_copy_without_one_fails()
    {
        (IPage page, List<string> errors) = await OpenLiveAsync();

        (IPage side, List<string> sideErrors) = await demo.Browser.OpenAsync(900, 700);
        await side.GotoAsync(demo.Root);

        Task<bool>? run = demo.Scenarios.Start("cascade");
        run.Should().NotBeNull("no other scenario runs");
        await page.WaitForSelectorAsync($"tr[data-breaker='{CascadeLab.BreakerName}'] .badge[data-state='Open']", new() { Timeout = Long });
        await Browser.ScreenshotAsync(page, "scenario-cascade");

        // The demo's page, side by side: the copy without breakers fails most requests while the other fails none.
        await side.WaitForFunctionAsync("() => /^([5-9]\\d|100) % failed$/.test(document.getElementById('without').textContent)", null, new() { Timeout = Long });
        string with = await side.InnerTextAsync("#with");
        output.WriteLine($"side by side: without breakers {await side.InnerTextAsync("#without")}, with a breaker {with}");
        int.Parse(with.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(5);
        await Browser.ScreenshotAsync(side, "scenario-cascade-side-by-side");
        sideErrors.Should().BeEmpty();
        await side.CloseAsync();
        (await run!.WaitAsync(TimeSpan.FromMinutes(1))).Should().BeTrue(string.Join(Environment.NewLine, demo.Scenarios.Log));
        await page.WaitForSelectorAsync($"tr[data-breaker='{CascadeLab.BreakerName}'] .badge[data-state='Closed']", new() { Timeout = Long });

        errors.Should().BeEmpty();
        await page.CloseAsync();
    }
}
