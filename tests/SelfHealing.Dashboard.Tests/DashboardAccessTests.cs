using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Dashboard.Tests;

public sealed class DashboardAccessTests
{
    [Fact]
    public async Task Without_a_policy_only_local_requests_are_answered()
    {
        await using WebApplication app = await DashboardHost.StartAsync();
        HttpClient client = app.Client();

        using HttpResponseMessage local = await client.GetAsync("/selfhealing/");
        local.StatusCode.Should().Be(HttpStatusCode.OK);
        (await local.Content.ReadAsStringAsync()).Should().Contain("<title>SelfHealing</title>");
        local.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'");

        foreach (string path in new[] { "/selfhealing/", "/selfhealing/api/v1/snapshot", "/selfhealing/api/v1/stream", "/selfhealing/assets/app.js" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(DashboardHost.RemoteHeader, "203.0.113.7");
            using HttpResponseMessage remote = await client.SendAsync(request);
            remote.StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
            (await remote.Content.ReadAsStringAsync()).Should().Contain("local requests only").And.Contain("RequireAuthorization");
        }
    }

    [Fact]
    public async Task With_the_app_s_policy_remote_users_see_it_but_actions_need_the_actions_policy()
    {
        await using WebApplication app = await DashboardHost.StartAsync(
            b => b.AddCircuitBreaker("payments"),
            a => a.MapSelfHealingDashboard().RequireAuthorization("ops"),
            authentication: true);
        HttpClient client = app.Client();

        using HttpResponseMessage anonymous = await Send(client, HttpMethod.Get, "/selfhealing/api/v1/snapshot", user: null);
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the app's policy decides now");

        using HttpResponseMessage signedIn = await Send(client, HttpMethod.Get, "/selfhealing/api/v1/snapshot", user: "ana");
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, "a remote user the policy lets in sees the dashboard");
        JsonElement snapshot = JsonDocument.Parse(await signedIn.Content.ReadAsStringAsync()).RootElement;
        snapshot.GetProperty("actions").GetProperty("allowed").GetBoolean().Should().BeFalse();
        snapshot.GetProperty("actions").GetProperty("reason").GetString().Should().Contain("ActionsPolicy");

        using HttpResponseMessage action = await Send(client, HttpMethod.Get, "/selfhealing/api/v1/antiforgery", user: "ana");
        action.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        app.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments").State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task Actions_follow_the_actions_policy_and_need_an_antiforgery_token()
    {
        await using WebApplication app = await DashboardHost.StartAsync(
            b => b.AddCircuitBreaker("payments").AddDashboard(o => o.ActionsPolicy = "operators"),
            a => a.MapSelfHealingDashboard().RequireAuthorization("ops"),
            authentication: true);
        HttpClient client = app.Client();
        CircuitBreaker payments = app.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments");

        using HttpResponseMessage viewer = await Send(client, HttpMethod.Get, "/selfhealing/api/v1/antiforgery", user: "ana");
        viewer.StatusCode.Should().Be(HttpStatusCode.Forbidden, "ana is signed in but not an operator");

        using HttpResponseMessage tokens = await Send(client, HttpMethod.Get, "/selfhealing/api/v1/antiforgery", user: "olu", roles: "operator");
        tokens.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement token = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()).RootElement;
        string cookie = tokens.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using HttpResponseMessage forged = await Send(client, HttpMethod.Post, "/selfhealing/api/v1/breakers/payments/isolate", user: "olu", roles: "operator",
            form: new Dictionary<string, string>(), cookie: cookie);
        forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "no antiforgery token");
        payments.State.Should().Be(CircuitState.Closed);

        var form = new Dictionary<string, string> { [token.GetProperty("field").GetString()!] = token.GetProperty("token").GetString()! };
        using HttpResponseMessage isolated = await Send(client, HttpMethod.Post, "/selfhealing/api/v1/breakers/payments/isolate", user: "olu", roles: "operator", form: form, cookie: cookie);
        isolated.StatusCode.Should().Be(HttpStatusCode.OK);
        payments.State.Should().Be(CircuitState.Isolated);

        using HttpResponseMessage unknown = await Send(client, HttpMethod.Post, "/selfhealing/api/v1/breakers/nope/reset", user: "olu", roles: "operator", form: form, cookie: cookie);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("No circuit breaker is named 'nope'");

        using HttpResponseMessage reset = await Send(client, HttpMethod.Post, "/selfhealing/api/v1/breakers/payments/reset", user: "olu", roles: "operator", form: form, cookie: cookie);
        reset.StatusCode.Should().Be(HttpStatusCode.OK);
        payments.State.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task A_read_only_dashboard_refuses_every_action_even_locally()
    {
        await using WebApplication app = await DashboardHost.StartAsync(b => b.AddCircuitBreaker("payments").AddDashboard(o => o.ReadOnly = true));
        using HttpResponseMessage tokens = await app.Client().GetAsync("/selfhealing/api/v1/antiforgery");
        tokens.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await tokens.Content.ReadAsStringAsync()).Should().Contain("read-only");
    }

    [Fact]
    public async Task Bad_options_stop_start_up_naming_the_key_and_mapping_without_AddDashboard_says_what_to_call()
    {
        Func<Task> start = () => DashboardHost.StartAsync(b => b.AddDashboard(o =>
        {
            o.RefreshInterval = TimeSpan.FromMilliseconds(5);
            o.Title = " ";
        }));
        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Failures.Should().Contain(f => f.Contains("SelfHealing:Dashboard:RefreshInterval is 00:00:00.0050000", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("SelfHealing:Dashboard:Title is ' '", StringComparison.Ordinal));

        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Services.AddSelfHealing();
        await using WebApplication app = builder.Build();
        Action map = () => app.MapSelfHealingDashboard();
        map.Should().Throw<InvalidOperationException>().WithMessage("*call AddDashboard() in AddSelfHealing(...)*");
        Action relative = () => app.MapSelfHealingDashboard("selfhealing");
        relative.Should().Throw<ArgumentException>().WithMessage("*does not start with '/'*");
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? user, string? roles = null,
        Dictionary<string, string>? form = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(DashboardHost.RemoteHeader, "198.51.100.20");
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", user);
        }

        if (roles is not null)
        {
            request.Headers.Add("X-Test-Roles", roles);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        return await client.SendAsync(request);
    }
}
