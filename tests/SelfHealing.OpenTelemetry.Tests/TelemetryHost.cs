using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SelfHealing.DependencyInjection;
using SelfHealing.OpenTelemetry;
using SelfHealing.Recovery;

namespace SelfHealing.OpenTelemetry.Tests;

/// <summary>
/// A Generic Host with SelfHealing on a fake clock, and OpenTelemetry providers that export to memory. Names are unique per
/// host: the listeners are process-wide, so the tests filter by them.
/// </summary>
internal sealed class TelemetryHost : IAsyncDisposable
{
    public static readonly ActivitySource App = new("SelfHealing.OpenTelemetry.Tests.App");

    private readonly IHost _host;
    private readonly MeterProvider _meters;
    private readonly TracerProvider _tracer;

    public TelemetryHost(Action<ISelfHealingBuilder, string> configure, Action<SelfHealingTracingOptions>? tracing = null)
    {
        Name = "c" + Guid.NewGuid().ToString("N")[..8];
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSelfHealing(b =>
        {
            b.ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
             .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.OutcomesToWorsen = 1; o.OutcomesToRecover = 1; o.LogAlerts = false; })
             .AddIncidentSink(Incidents);
            configure(b, Name);
        });
        _host = builder.Build();
        _meters = Sdk.CreateMeterProviderBuilder().AddSelfHealingInstrumentation().AddInMemoryExporter(Metrics).Build();
        _tracer = Sdk.CreateTracerProviderBuilder().AddSelfHealingInstrumentation(tracing).AddSource(App.Name).AddInMemoryExporter(Spans).Build();
    }

    /// <summary>Gets the unique name of this host's component or breaker.</summary>
    public string Name { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _host.Services;

    public List<MetricSnapshot> Metrics { get; } = [];

    public List<Activity> Spans { get; } = [];

    public ClosingSink Incidents { get; } = new();

    public Task StartAsync() => _host.StartAsync();

    /// <summary>Collects the metrics now and gives the points of one instrument that carry this host's name in <paramref name="tag"/>.</summary>
    public List<MetricPoint> Points(string instrument, string tag)
    {
        Metrics.Clear();
        _meters.ForceFlush();
        var points = new List<MetricPoint>();
        foreach (MetricSnapshot metric in Metrics.Where(m => m.Name == instrument))
        {
            foreach (MetricPoint point in metric.MetricPoints)
            {
                foreach (KeyValuePair<string, object?> pair in point.Tags)
                {
                    if (pair.Key == tag && Equals(pair.Value, Name))
                    {
                        points.Add(point);
                    }
                }
            }
        }

        return points;
    }

    /// <summary>
    /// Waits for the incident to close, moving the fake clock a second at a time so retries and verification
    /// deadlines pass (bounded: 10 minutes of fake time).
    /// </summary>
    public async Task<Incident> ClosedAsync()
    {
        var manager = Services.GetRequiredService<RecoveryManager>();
        for (int i = 0; i < 600 && manager.IncidentHistory.Count == 0; i++)
        {
            // The clock moves once the manager can do nothing more without it (bounded in real time).
            await manager.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (manager.IncidentHistory.Count == 0)
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        manager.IncidentHistory.Should().NotBeEmpty("the incident should close within 10 minutes of fake time");
        return await Incidents.Closed.WaitAsync(TimeSpan.FromSeconds(10)); // the sink hears of it from its own queue
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _meters.Dispose();
        _tracer.Dispose();
    }
}

/// <summary>Completes a task when an incident of the given component closes.</summary>
internal sealed class ClosingSink : IIncidentSink
{
    private readonly TaskCompletionSource<Incident> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<Incident> Closed => _closed.Task;

    public ValueTask NotifyAsync(Incident incident, CancellationToken cancellationToken)
    {
        if (incident.IsClosed)
        {
            _closed.TrySetResult(incident);
        }

        return ValueTask.CompletedTask;
    }
}

internal static class MetricPointExtensions
{
    public static string? Tag(this MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> pair in point.Tags)
        {
            if (pair.Key == key)
            {
                return pair.Value?.ToString();
            }
        }

        return null;
    }
}
