using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Http;

namespace SelfHealing.Http.Tests;

/// <summary><c>AddSelfHealingHandler</c> against a real ASP.NET Core pipeline (TestServer).</summary>
public sealed class HttpHandlerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly TaskCompletionSource _hangStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _server = null!;
    private int _hits;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        _server = builder.Build();
        _server.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _hits);
            await next(context);
        });
        _server.MapGet("/status/{code:int}", (int code, int? retryAfter, HttpContext context) =>
        {
            if (retryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Results.StatusCode(code);
        });
        _server.MapGet("/hang", async (HttpContext context) =>
        {
            _hangStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ServiceProvider Client(Action<SelfHealingHttpOptions>? configure = null, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("http://orders.test/"))
            .ConfigurePrimaryHttpMessageHandler(() => _server.GetTestServer().CreateHandler())
            .AddSelfHealingHandler(o =>
            {
                o.ConfigureBreaker = b => { b.MinimumThroughput = 2; b.FailureRatio = 0.5; b.BreakDuration = TimeSpan.FromSeconds(5); };
                configure?.Invoke(o);
            });
        return services.BuildServiceProvider();
    }

    private static HttpClient Orders(ServiceProvider provider) => provider.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

    private static CircuitBreaker Breaker(ServiceProvider provider, string name)
    {
        provider.GetRequiredService<CircuitBreakerRegistry>().TryGet(name, out CircuitBreaker? breaker).Should().BeTrue($"the breaker {name} should exist");
        return breaker!;
    }

    [Fact]
    public async Task The_handler_alone_brings_breakers_but_nothing_that_runs_in_the_background()
    {
        await using ServiceProvider provider = Client();
        using HttpResponseMessage response = await Orders(provider).GetAsync("status/200");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Breaker(provider, "http/orders/orders.test-80").State.Should().Be(CircuitState.Closed);
        provider.GetService<SelfHealing.Metrics.IMetricsCollector>().Should().BeNull("the app did not ask for the collector");
        provider.GetService<SelfHealing.Health.HealthMonitor>().Should().BeNull("nor for the health monitor");
        provider.GetService<SelfHealing.Recovery.RecoveryManager>().Should().BeNull("nor for recovery");
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task A_transient_status_counts_as_failure_and_an_open_circuit_sends_nothing(int status)
    {
        await using ServiceProvider provider = Client();
        HttpClient client = Orders(provider);

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage failed = await client.GetAsync($"status/{status}");
            ((int)failed.StatusCode).Should().Be(status, "the caller still gets the failed response");
        }

        Breaker(provider, "http/orders/orders.test-80").State.Should().Be(CircuitState.Open);
        int sent = _hits;
        Func<Task> rejected = () => client.GetAsync("status/200");
        await rejected.Should().ThrowAsync<BrokenCircuitException>();
        _hits.Should().Be(sent, "an open circuit does not send the request");
    }

    [Fact]
    public async Task Client_errors_are_successes_and_each_authority_has_its_own_breaker()
    {
        await using ServiceProvider provider = Client();
        HttpClient client = Orders(provider);

        for (int i = 0; i < 5; i++)
        {
            (await client.GetAsync("status/404")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        Breaker(provider, "http/orders/orders.test-80").GetSnapshot().FailedCalls.Should().Be(0, "a 404 is the caller's problem, not the dependency's");
        for (int i = 0; i < 5; i++)
        {
            await client.GetAsync("status/500");
        }

        Breaker(provider, "http/orders/orders.test-80").State.Should().Be(CircuitState.Open, "half of the ten calls failed");

        (await client.GetAsync("http://stock.test:8080/status/200")).StatusCode.Should().Be(HttpStatusCode.OK, "another host has its own breaker");
        Breaker(provider, "http/orders/stock.test-8080").State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task A_cancellation_by_the_caller_is_never_counted()
    {
        await using ServiceProvider provider = Client(o => o.AttemptTimeout = null);
        HttpClient client = Orders(provider);

        for (int i = 0; i < 4; i++)
        {
            using var cancel = new CancellationTokenSource();
            Task<HttpResponseMessage> call = client.GetAsync("hang", cancel.Token);
            await cancel.CancelAsync();
            Func<Task> cancelled = () => call;
            await cancelled.Should().ThrowAsync<OperationCanceledException>();
        }

        CircuitBreaker breaker = Breaker(provider, "http/orders/orders.test-80");
        (breaker.State, breaker.GetSnapshot().TotalCalls).Should().Be((CircuitState.Closed, 0L));
    }

    [Fact]
    public async Task An_attempt_past_its_timeout_is_cancelled_and_counts_as_a_timeout()
    {
        await using ServiceProvider provider = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        HttpClient client = Orders(provider);

        Task<HttpResponseMessage> call = client.GetAsync("hang");
        await _hangStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(2));

        Func<Task> timedOut = () => call;
        await timedOut.Should().ThrowAsync<CircuitTimeoutException>();
        Breaker(provider, "http/orders/orders.test-80").GetSnapshot().FailedCalls.Should().Be(1);
    }

    [Fact]
    public async Task Retry_after_keeps_the_circuit_open_as_long_as_the_server_asked_up_to_the_cap()
    {
        await using ServiceProvider provider = Client(o => o.MaxRetryAfter = TimeSpan.FromMinutes(3));
        HttpClient client = Orders(provider);

        await client.GetAsync("status/503?retryAfter=120");
        await client.GetAsync("status/429?retryAfter=90");
        BrokenCircuitException open = (await ((Func<Task>)(() => client.GetAsync("status/200"))).Should().ThrowAsync<BrokenCircuitException>()).Which;
        open.RetryAfter.Should().Be(TimeSpan.FromSeconds(120), "the longest wait asked for, over the 5 s break");

        _time.Advance(TimeSpan.FromSeconds(120));
        (await client.GetAsync("status/200")).StatusCode.Should().Be(HttpStatusCode.OK, "the probe goes through once the wait is over");
        await client.GetAsync("status/503?retryAfter=100000");
        await client.GetAsync("status/503?retryAfter=100000");
        BrokenCircuitException capped = (await ((Func<Task>)(() => client.GetAsync("status/200"))).Should().ThrowAsync<BrokenCircuitException>()).Which;
        capped.RetryAfter.Should().Be(TimeSpan.FromMinutes(3), "a server cannot hold the circuit open past MaxRetryAfter");
    }

    [Fact]
    public async Task A_fallback_answers_failures_and_rejections_and_the_failed_response_is_disposed()
    {
        var seen = new List<HttpFallbackArguments>();
        await using ServiceProvider provider = Client(o => o.Fallback = (args, _) =>
        {
            seen.Add(args);
            return new ValueTask<HttpResponseMessage>(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("cached") });
        });
        HttpClient client = Orders(provider);

        (await client.GetStringAsync("status/502")).Should().Be("cached");
        (await client.GetStringAsync("status/502")).Should().Be("cached");
        (await client.GetStringAsync("status/200")).Should().Be("cached", "the circuit is open");

        seen.Select(a => (a.Rejected, a.Outcome, a.Response is not null)).Should().Equal(
            (false, CallOutcome.Failure, true), (false, CallOutcome.Failure, true), (true, CallOutcome.Success, false));
        seen[2].Exception.Should().BeOfType<BrokenCircuitException>();
        Action read = () => _ = seen[0].Response!.Content.ReadAsStream();
        read.Should().Throw<ObjectDisposedException>("the handler disposes the failed response the fallback replaced");
    }

    [Fact]
    public async Task Options_come_from_configuration_and_a_reload_reaches_the_running_client()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SelfHealing:Http:orders:Scope"] = "PerClient",
            ["SelfHealing:Http:orders:Breaker:MinimumThroughput"] = "3",
        }).Build();
        await using ServiceProvider provider = Client(configuration: configuration);
        HttpClient client = Orders(provider);

        await client.GetAsync("status/500");
        await client.GetAsync("status/500");
        CircuitBreaker whole = Breaker(provider, "http/orders");
        whole.State.Should().Be(CircuitState.Closed, "configuration asked for three calls before the circuit may open");
        await client.GetAsync("status/500");
        whole.State.Should().Be(CircuitState.Open);

        configuration["SelfHealing:Http:orders:Scope"] = "PerAuthority";
        configuration.Reload();
        (await client.GetAsync("status/200")).StatusCode.Should().Be(HttpStatusCode.OK, "after the reload the request goes through its authority's breaker");
        Breaker(provider, "http/orders/orders.test-80").State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_the_key_the_value_and_what_is_allowed()
    {
        await using ServiceProvider provider = Client(o => { o.Scope = HttpBreakerScope.Named; o.AttemptTimeout = TimeSpan.Zero; });

        Action resolve = () => provider.GetRequiredService<IOptionsMonitor<SelfHealingHttpOptions>>().Get("orders");

        resolve.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("SelfHealing:Http:orders:BreakerName is empty").And.Contain("SelfHealing:Http:orders:AttemptTimeout is 00:00:00; allowed:");
    }

    [Fact]
    public async Task Breaker_settings_for_a_named_breaker_are_refused_rather_than_ignored()
    {
        await using ServiceProvider provider = Client(o => { o.Scope = HttpBreakerScope.Named; o.BreakerName = "orders-api"; });

        Action resolve = () => provider.GetRequiredService<IOptionsMonitor<SelfHealingHttpOptions>>().Get("orders");

        resolve.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("SelfHealing:Http:orders:ConfigureBreaker is set, but a Named breaker takes its options from AddCircuitBreaker(\"orders-api\", ...)");
    }
}
