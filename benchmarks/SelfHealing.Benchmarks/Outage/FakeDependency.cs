using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination.Tests.TestSupport;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>What the fake dependency does with a request.</summary>
internal enum DependencyMode
{
    /// <summary>Answers 200 at once.</summary>
    Healthy,

    /// <summary>Answers 500 at once.</summary>
    Failing,

    /// <summary>Is not listening: connections are refused.</summary>
    Refusing,

    /// <summary>Answers 200 after 2 seconds.</summary>
    Slow,
}

/// <summary>
/// A dependency on 127.0.0.1 (Kestrel) that can be switched between healthy, failing (500), refusing connections
/// (stopped, then started again on the same port) and slow (2 s).
/// </summary>
internal sealed class FakeDependency : IAsyncDisposable
{
    public const string Body = "sunny, 21 °C";
    public static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(2);
    private readonly int _port = LoopbackPorts.Take(1)[0];
    private volatile int _mode = (int)DependencyMode.Healthy;
    private WebApplication? _app;

    public Uri Address => new($"http://127.0.0.1:{_port}/forecast");

    public DependencyMode Mode => (DependencyMode)_mode;

    public static async Task<FakeDependency> StartAsync()
    {
        var dependency = new FakeDependency();
        await dependency.ListenAsync();
        return dependency;
    }

    public async Task SwitchAsync(DependencyMode mode)
    {
        _mode = (int)mode;
        if (mode == DependencyMode.Refusing)
        {
            await StopListeningAsync();
        }
        else if (_app is null)
        {
            await ListenAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopListeningAsync();

    private async Task ListenAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapGet("/forecast", async context =>
        {
            switch ((DependencyMode)_mode)
            {
                case DependencyMode.Failing:
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    return;
                case DependencyMode.Slow:
                    await Task.Delay(SlowAnswer, context.RequestAborted);
                    break;
            }

            await context.Response.WriteAsync(Body, context.RequestAborted);
        });
        await app.StartAsync();
        _app = app;
    }

    private async Task StopListeningAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // requests still waiting are aborted
            await app.StopAsync(grace.Token);
            await app.DisposeAsync();
        }
    }
}
