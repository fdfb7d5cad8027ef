using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.Benchmarks.Http;

/// <summary>
/// One successful GET through an <see cref="HttpClient"/> from <c>IHttpClientFactory</c> whose primary handler answers
/// in memory: plain, with <c>AddSelfHealingHandler</c>, and with <c>AddStandardResilienceHandler</c> (retry, breaker,
/// attempt and total timeouts, rate limiter). The difference from <see cref="Plain"/> is what each handler adds. Ours runs
/// with its default 10 s attempt timeout, and once without one.
/// </summary>
public class HttpHandlerBenchmarks
{
    private static readonly Uri Address = new("http://orders.test/orders/42");
    private ServiceProvider _services = null!;
    private HttpClient _plain = null!;
    private HttpClient _selfHealing = null!;
    private HttpClient _standard = null!;
    private HttpClient _noTimeout = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("plain").ConfigurePrimaryHttpMessageHandler(() => new AnswerHandler());
        services.AddHttpClient("selfhealing").ConfigurePrimaryHttpMessageHandler(() => new AnswerHandler()).AddSelfHealingHandler();
        services.AddHttpClient("no-timeout").ConfigurePrimaryHttpMessageHandler(() => new AnswerHandler()).AddSelfHealingHandler(o => o.AttemptTimeout = null);
        services.AddHttpClient("standard").ConfigurePrimaryHttpMessageHandler(() => new AnswerHandler()).AddStandardResilienceHandler();
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _plain = factory.CreateClient("plain");
        _selfHealing = factory.CreateClient("selfhealing");
        _standard = factory.CreateClient("standard");
        _noTimeout = factory.CreateClient("no-timeout");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task<HttpStatusCode> Plain() => GetAsync(_plain);

    [Benchmark]
    public Task<HttpStatusCode> SelfHealingHandler() => GetAsync(_selfHealing);

    [Benchmark]
    public Task<HttpStatusCode> SelfHealingHandlerWithoutTimeout() => GetAsync(_noTimeout);

    [Benchmark]
    public Task<HttpStatusCode> StandardResilienceHandler() => GetAsync(_standard);

    private static async Task<HttpStatusCode> GetAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync(Address);
        return response.StatusCode;
    }

    /// <summary>Answers every request at once with an empty 200, as an in-process dependency would.</summary>
    private sealed class AnswerHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
