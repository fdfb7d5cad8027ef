using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SelfHealing.Samples.Web;

/// <summary>
/// The dependency: a small inventory service on its own Kestrel server (127.0.0.1, a free port) that can be switched
/// between healthy and failing (every answer a 500), as a real one fails during an outage.
/// </summary>
internal sealed class InventoryService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile bool _failing;

    private InventoryService(WebApplication app) => _app = app;

    /// <summary>Gets the base address it listens on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets or sets whether every request fails with a 500.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Gets how many requests reached it.</summary>
    public int Requests => _requests;

    private int _requests;

    public static async Task<InventoryService> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var service = new InventoryService(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref service._requests);
            if (service.Failing)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("inventory database unreachable");
                return;
            }

            await next(context);
        });
        app.MapGet("/stock/{sku}", (string sku) => Results.Text(string.Create(CultureInfo.InvariantCulture, $"{sku}: {17 + (sku.Length * 3)} in stock")));
        app.MapGet("/health", () => Results.Text("ok"));
        await app.StartAsync();
        service.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return service;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
