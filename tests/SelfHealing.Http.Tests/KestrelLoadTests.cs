using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Http.Tests;

/// <summary>
/// 10,000 requests through <c>AddSelfHealingHandler</c> to a real Kestrel server on loopback: successes, failures the
/// fallback answers, attempt timeouts and caller cancellations. Every response the handler replaces is disposed, so the
/// client keeps reusing its pooled connections; a leak would open about one connection per failed request.
/// </summary>
public sealed class KestrelLoadTests : IAsyncLifetime
{
    private const int Workers = 8;
    private const int RequestsPerWorker = 1_250;
    private static readonly string Body = new('x', 1024);
    private WebApplication _server = null!;
    private Uri _address = null!;
    private int _connectionsOpened;
    private int _connectionsOpen;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref _connectionsOpened);
            Interlocked.Increment(ref _connectionsOpen);
            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref _connectionsOpen);
            }
        })));
        _server = builder.Build();
        _server.MapGet("/ok", () => Results.Text(Body));
        _server.MapGet("/fail", () => Results.Text(Body, statusCode: 500));
        _server.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Text(Body);
        });
        await _server.StartAsync();
        _address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_requests_of_every_outcome_reuse_a_few_connections_and_dispose_every_response()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("load", c => c.BaseAddress = _address)
            .AddSelfHealingHandler(o =>
            {
                o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
                o.ConfigureBreaker = b =>
                {
                    // The circuit stays closed (the workers fail in step, which would open it): every request is sent.
                    b.ConsecutiveFailuresToOpen = 0;
                    b.MinimumThroughput = 1_000_000; // the largest allowed
                };
                o.Fallback = (args, ct) => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("fallback") });
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        int timeouts = 0, cancellations = 0, fallbacks = 0, answered = 0;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            HttpClient client = factory.CreateClient("load");
            for (int i = 0; i < RequestsPerWorker; i++)
            {
                int n = (worker * RequestsPerWorker) + i;
                if (n % 1_000 == 7)
                {
                    // The caller gives up: never counted as a failure, never answered by the fallback.
                    using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
                    Func<Task> cancelled = () => client.GetAsync("slow", caller.Token);
                    await cancelled.Should().ThrowAsync<OperationCanceledException>();
                    Interlocked.Increment(ref cancellations);
                    continue;
                }

                string path = n % 500 == 3 ? "slow" : n % 10 == 1 ? "fail" : "ok";
                using HttpResponseMessage response = await client.GetAsync(path);
                string text = await response.Content.ReadAsStringAsync();
                response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path} is answered, by the server or the fallback");
                if (text == "fallback")
                {
                    Interlocked.Increment(ref fallbacks);
                    if (path != "fail")
                    {
                        Interlocked.Increment(ref timeouts);
                    }
                }
                else
                {
                    text.Should().HaveLength(Body.Length);
                    Interlocked.Increment(ref answered);
                }
            }
        })));

        (answered + fallbacks + cancellations).Should().Be(Workers * RequestsPerWorker);
        timeouts.Should().BeGreaterThanOrEqualTo(20, "each slow request ends at the attempt timeout and the fallback answers (a loaded machine may time out others)");
        fallbacks.Should().BeGreaterThanOrEqualTo(1_000, "every failed response is replaced");

        // A timed-out or cancelled request closes its connection; everything else goes back to the pool, a replaced
        // failed response once its unread body is drained (meanwhile a worker may open another). Without disposal each
        // of the 1,000 failed responses would hold its connection until collected.
        int bound = 2 * (Workers + timeouts + cancellations);
        _connectionsOpened.Should().BeLessThanOrEqualTo(bound,
            $"{fallbacks} replaced responses and {answered} answers reuse pooled connections (a leak would open one per failed request)");
        _connectionsOpen.Should().BeLessThanOrEqualTo(Workers * 2, "at most the pool's connections are still open");
    }
}
