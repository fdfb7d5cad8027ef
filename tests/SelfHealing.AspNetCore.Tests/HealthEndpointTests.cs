using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.AspNetCore;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.AspNetCore.Tests;

public sealed class HealthEndpointTests
{
    private static async Task<WebApplication> StartAsync(Action<WebApplication> map, HealthStatus whenOpen = HealthStatus.Degraded, FakeLogCollector? logs = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        if (logs is not null)
        {
            builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs));
        }

        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddHealthChecks().AddCheck("disk", () => HealthCheckResult.Healthy("12 GB free", new Dictionary<string, object> { ["freeGb"] = 12.5, ["mount"] = "/" }));
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
            .AddCircuitBreaker("weather", o => { o.MinimumThroughput = 1; o.HealthWhenOpen = whenOpen; }));
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task The_body_names_each_breaker_with_its_state_while_the_status_stays_200_when_degraded()
    {
        await using WebApplication app = await StartAsync(a => a.MapSelfHealingHealthChecks("/health"));
        HttpClient client = app.GetTestClient();
        await app.Services.GetRequiredKeyedService<CircuitBreaker>("weather").ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));

        HttpResponseMessage response = await client.GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK, "a breaker handling an outage keeps the app in rotation");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Degraded");
        JsonElement weather = body.RootElement.GetProperty("checks").GetProperty("circuit-breaker:weather");
        weather.GetProperty("status").GetString().Should().Be("Degraded");
        weather.GetProperty("description").GetString().Should().StartWith("Circuit 'weather' is Open");
        weather.GetProperty("data").GetProperty("state").GetString().Should().Be("Open");
        weather.GetProperty("data").GetProperty("failedCalls").GetInt64().Should().Be(1);
        JsonElement disk = body.RootElement.GetProperty("checks").GetProperty("disk");
        disk.GetProperty("data").GetProperty("freeGb").GetDouble().Should().Be(12.5);
        disk.GetProperty("data").GetProperty("mount").GetString().Should().Be("/");
    }

    [Fact]
    public async Task An_unhealthy_report_answers_503_and_the_predicate_chooses_the_checks()
    {
        await using WebApplication app = await StartAsync(
            a => a.MapSelfHealingHealthChecks("/ready", r => r.Tags.Contains("selfhealing")),
            HealthStatus.Unhealthy);
        HttpClient client = app.GetTestClient();
        await app.Services.GetRequiredKeyedService<CircuitBreaker>("weather").ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));

        HttpResponseMessage response = await client.GetAsync("/ready");
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Unhealthy");
        body.RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name).Should().NotContain("disk").And.Contain("circuit-breaker:weather");
    }

    [Fact]
    public async Task Exceptions_stay_out_of_the_body_and_bad_arguments_are_named()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["db"] = new(HealthStatus.Unhealthy, "db threw", TimeSpan.FromMilliseconds(3), new InvalidOperationException("password=secret"), null),
            },
            TimeSpan.FromMilliseconds(3));

        await HealthResponseWriter.WriteAsync(context, report);
        context.Response.Body.Position = 0;
        string json = await new StreamReader(context.Response.Body).ReadToEndAsync();
        json.Should().Contain("\"db threw\"").And.NotContain("secret");

        Func<Task> noContext = () => HealthResponseWriter.WriteAsync(null!, report);
        (await noContext.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("context");
        await using WebApplication app = await StartAsync(_ => { });
        Action empty = () => app.MapSelfHealingHealthChecks(" ");
        empty.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("pattern");

        WebApplicationBuilder bare = WebApplication.CreateBuilder();
        bare.WebHost.UseTestServer();
        await using WebApplication without = bare.Build();
        Action unregistered = () => without.MapSelfHealingHealthChecks("/health");
        unregistered.Should().Throw<InvalidOperationException>().WithMessage("*call builder.Services.AddSelfHealing() first*");
    }

    [Fact]
    public async Task A_degraded_app_probed_again_and_again_logs_no_line_per_probe()
    {
        var logs = new FakeLogCollector();
        await using WebApplication app = await StartAsync(a => a.MapSelfHealingHealthChecks("/health"), logs: logs);
        HttpClient client = app.GetTestClient();
        await app.Services.GetRequiredKeyedService<CircuitBreaker>("weather").ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));

        for (int probe = 0; probe < 20; probe++)
        {
            (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        logs.GetSnapshot().Where(l => l.Level >= LogLevel.Warning).Select(l => l.Id.Id).Should().Equal([2001], "the breaker warned once when it opened; probes add nothing");
        (await client.GetAsync("/health")).Headers.CacheControl!.NoStore.Should().BeTrue();
    }
}
