using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Samples.Demo;

namespace SelfHealing.Dashboard.Tests;

/// <summary>The demo app on 127.0.0.1 (an ephemeral port) and a browser, shared by the browser tests.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public Browser Browser { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public string Root { get; private set; } = null!;

    public string Dashboard { get; private set; } = null!;

    public Shop Shop => App.Services.GetRequiredService<Shop>();

    public Scenarios Scenarios => App.Services.GetRequiredService<Scenarios>();

    public async Task InitializeAsync()
    {
        (App, string address) = await DemoApp.StartOnLoopbackAsync();
        Root = address + "/";
        Dashboard = address + "/selfhealing/";
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
