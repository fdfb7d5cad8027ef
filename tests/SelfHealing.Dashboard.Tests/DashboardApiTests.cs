using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.CircuitBreakers;
using SelfHealing.Coordination;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;

namespace SelfHealing.Dashboard.Tests;

public sealed class DashboardApiTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_snapshot_shows_breakers_with_their_transitions_and_the_component_graph()
    {
        await using WebApplication app = await DashboardHost.StartAsync(b => b
            .AddCircuitBreaker("payments")
            .AddHealthComponent("database", c => c.Interval(TimeSpan.FromHours(1)))
            .AddHealthComponent("orders", c => c.DependsOn("database").Interval(TimeSpan.FromHours(1))));
        var recorder = app.Services.GetRequiredService<DashboardRecorder>();
        using var connected = new CancellationTokenSource(Bound);
        var events = recorder.Connect(connected.Token);

        app.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments").Isolate();
        var monitor = app.Services.GetRequiredService<HealthMonitor>();
        monitor.Report("orders", HealthLevel.Healthy, "ok");
        monitor.Report("database", HealthLevel.Critical, "connection refused");
        await foreach (DashboardEvent e in events.ReadAllAsync(connected.Token))
        {
            if (e.Type == "CircuitStateChanged")
            {
                break;
            }
        }

        JsonElement snapshot = await GetJsonAsync(app, "/selfhealing/api/v1/snapshot");
        snapshot.GetProperty("apiVersion").GetInt32().Should().Be(1);
        JsonElement payments = snapshot.GetProperty("breakers").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "payments");
        payments.GetProperty("state").GetString().Should().Be("Isolated");
        JsonElement transition = payments.GetProperty("transitions")[0];
        (transition.GetProperty("from").GetString(), transition.GetProperty("to").GetString()).Should().Be(("Closed", "Isolated"));

        JsonElement[] components = [.. snapshot.GetProperty("components").EnumerateArray()];
        JsonElement orders = components.Single(c => c.GetProperty("name").GetString() == "orders");
        orders.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()).Should().Equal("database");
        components.Single(c => c.GetProperty("name").GetString() == "database").GetProperty("level").GetString().Should().Be("Critical");
        snapshot.GetProperty("system").GetProperty("rootCauses").EnumerateArray().Select(r => r.GetString()).Should().Contain("database");
        snapshot.GetProperty("events").EnumerateArray().Should().Contain(e => e.GetProperty("type").GetString() == "CircuitStateChanged");
        snapshot.GetProperty("actions").GetProperty("allowed").GetBoolean().Should().BeTrue("a local request to a dashboard without policies may act");
    }

    [Fact]
    public async Task The_stream_sends_each_event_as_it_happens()
    {
        await using WebApplication app = await DashboardHost.StartAsync(b => b.AddCircuitBreaker("payments"));
        using var timeout = new CancellationTokenSource(Bound);
        using HttpResponseMessage response = await app.Client().GetAsync("/selfhealing/api/v1/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        (await reader.ReadLineAsync(timeout.Token)).Should().Be("retry: 2000", "the page reconnects after 2 s");

        app.Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments").Isolate();
        string? data = null;
        while (data is null && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            data = line.StartsWith("data: ", StringComparison.Ordinal) ? line[6..] : null;
        }

        JsonElement e = JsonDocument.Parse(data!).RootElement;
        (e.GetProperty("type").GetString(), e.GetProperty("subject").GetString()).Should().Be(("CircuitStateChanged", "payments"));
        e.GetProperty("text").GetString().Should().StartWith("Closed -> Isolated");
    }

    [Fact]
    public async Task Metric_series_are_sliced_from_the_collector_and_bad_queries_name_the_parameter()
    {
        await using WebApplication app = await DashboardHost.StartAsync();
        MetricCounter orders = app.Services.GetRequiredService<IMetricsCollector>().Counter("shop.orders");
        for (int i = 0; i < 25; i++)
        {
            orders.Add(1);
        }

        JsonElement names = await GetJsonAsync(app, "/selfhealing/api/v1/metrics");
        names.GetProperty("names").EnumerateArray().Select(n => n.GetString()).Should().Contain("shop.orders");
        JsonElement series = await GetJsonAsync(app, "/selfhealing/api/v1/metrics/series?name=shop.orders&seconds=60&points=6");
        JsonElement[] points = [.. series.GetProperty("points").EnumerateArray()];
        points.Should().HaveCount(6);
        points.Sum(p => p.GetProperty("count").GetInt64()).Should().Be(25);
        series.GetProperty("stepSeconds").GetDouble().Should().Be(10);

        HttpClient client = app.Client();
        foreach ((string query, HttpStatusCode status, string says) in new[]
        {
            ("", HttpStatusCode.BadRequest, "'name' is missing"),
            ("?name=shop.orders&seconds=5", HttpStatusCode.BadRequest, "'seconds' is 5; allowed: 10 to 604800"),
            ("?name=shop.orders&points=1", HttpStatusCode.BadRequest, "'points' is 1; allowed: 2 to 500"),
            ("?name=nope", HttpStatusCode.NotFound, "No metric is named 'nope'"),
        })
        {
            using HttpResponseMessage answer = await client.GetAsync("/selfhealing/api/v1/metrics/series" + query);
            answer.StatusCode.Should().Be(status, query);
            (await answer.Content.ReadAsStringAsync()).Should().Contain(says);
        }
    }

    [Fact]
    public async Task A_risky_recovery_waits_on_the_page_until_an_operator_approves_it()
    {
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using WebApplication app = await DashboardHost.StartAsync(b => b
            .UseDashboardApprovals()
            .ConfigureRecovery(o => o.AutoApproveUpTo = RiskLevel.Low)
            .AddHealableComponent("database", h => h.OnRestart(_ => { restarted.TrySetResult(); return ValueTask.CompletedTask; })));
        var approvals = app.Services.GetRequiredService<DashboardApprovals>();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        approvals.Changed += () => { if (approvals.Pending.Count > 0) { waiting.TrySetResult(); } };

        Task<Incident> recovery = app.Services.GetRequiredService<RecoveryManager>().RecoverAsync("database", FailureTypes.Critical);
        await waiting.Task.WaitAsync(Bound);
        restarted.Task.IsCompleted.Should().BeFalse("a restart is above AutoApproveUpTo: it waits");

        JsonElement pending = (await GetJsonAsync(app, "/selfhealing/api/v1/snapshot")).GetProperty("approvals")[0];
        (pending.GetProperty("component").GetString(), pending.GetProperty("strategy").GetString(), pending.GetProperty("risk").GetString())
            .Should().Be(("database", "Restart", "Medium"));

        HttpClient client = app.Client();
        using HttpResponseMessage tokens = await client.GetAsync("/selfhealing/api/v1/antiforgery");
        JsonElement token = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()).RootElement;
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"/selfhealing/api/v1/approvals/{pending.GetProperty("id").GetString()}/approve")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { [token.GetProperty("field").GetString()!] = token.GetProperty("token").GetString()! }),
        };
        approve.Headers.Add("Cookie", tokens.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        using HttpResponseMessage approved = await client.SendAsync(approve);
        approved.StatusCode.Should().Be(HttpStatusCode.NoContent);

        await restarted.Task.WaitAsync(Bound);
        (await recovery.WaitAsync(Bound)).Status.Should().Be(IncidentStatus.Resolved);
        approvals.Pending.Should().BeEmpty();
    }

    [Fact]
    public async Task With_coordination_the_snapshot_shows_the_cluster_and_without_it_none()
    {
        await using (WebApplication alone = await DashboardHost.StartAsync())
        {
            (await GetJsonAsync(alone, "/selfhealing/api/v1/snapshot")).GetProperty("cluster").ValueKind.Should().Be(JsonValueKind.Null);
        }

        string directory = Directory.CreateTempSubdirectory("selfhealing-dashboard-").FullName;
        try
        {
            await using WebApplication app = await DashboardHost.StartAsync(b => b.UseCoordination(o =>
            {
                o.NodeId = "a";
                o.Members["a"] = $"127.0.0.1:{FreePort()}";
                o.ForwardingPort = FreePort();
                o.LogDirectory = directory;
            }));
            var recorder = app.Services.GetRequiredService<DashboardRecorder>();
            using var connected = new CancellationTokenSource(Bound);
            var events = recorder.Connect(connected.Token);
            var coordinator = app.Services.GetRequiredService<IClusterCoordinator>();
            while (coordinator.LeaderId is null)
            {
                await events.WaitToReadAsync(connected.Token); // each event may be the election: look again
                while (events.TryRead(out _))
                {
                }
            }

            JsonElement cluster = (await GetJsonAsync(app, "/selfhealing/api/v1/snapshot")).GetProperty("cluster");
            (cluster.GetProperty("nodeId").GetString(), cluster.GetProperty("role").GetString(), cluster.GetProperty("leaderId").GetString())
                .Should().Be(("a", "Leader", "a"));
            cluster.GetProperty("hasQuorum").GetBoolean().Should().BeTrue();
            cluster.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Equal("a");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_automatic_recovery_kill_switch_flips_from_the_page_and_goes_back_to_configuration()
    {
        await using WebApplication app = await DashboardHost.StartAsync();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<RecoveryOptions>>();
        options.CurrentValue.AutomaticRecovery.Should().BeTrue();

        using (HttpResponseMessage off = await PostActionAsync(app, "/selfhealing/api/v1/switches/automatic-recovery", ("value", "off")))
        {
            off.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        options.CurrentValue.AutomaticRecovery.Should().BeFalse("the recovery manager reads this on every decision");
        JsonElement switches = (await GetJsonAsync(app, "/selfhealing/api/v1/snapshot")).GetProperty("switches");
        (switches.GetProperty("automaticRecovery").GetBoolean(), switches.GetProperty("overridden").GetBoolean()).Should().Be((false, true));

        using (HttpResponseMessage bad = await PostActionAsync(app, "/selfhealing/api/v1/switches/automatic-recovery", ("value", "maybe")))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync()).Should().Contain("'value' is 'maybe'; allowed: on, off or configured");
        }

        options.CurrentValue.AutomaticRecovery.Should().BeFalse("a refused request changes nothing");
        using (HttpResponseMessage back = await PostActionAsync(app, "/selfhealing/api/v1/switches/automatic-recovery", ("value", "configured")))
        {
            back.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        options.CurrentValue.AutomaticRecovery.Should().BeTrue();
    }

    private static async Task<HttpResponseMessage> PostActionAsync(WebApplication app, string path, params (string Name, string Value)[] fields)
    {
        HttpClient client = app.Client();
        using HttpResponseMessage tokens = await client.GetAsync("/selfhealing/api/v1/antiforgery");
        JsonElement token = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()).RootElement;
        var form = fields.ToDictionary(f => f.Name, f => f.Value);
        form[token.GetProperty("field").GetString()!] = token.GetProperty("token").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", tokens.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        return await client.SendAsync(request);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonElement> GetJsonAsync(WebApplication app, string path)
    {
        using HttpResponseMessage response = await app.Client().GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
