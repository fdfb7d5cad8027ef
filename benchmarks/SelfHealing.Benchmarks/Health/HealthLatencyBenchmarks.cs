using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Events;
using SelfHealing.Health;

namespace SelfHealing.Benchmarks.Health;

/// <summary>
/// How long after a component turns bad the news arrives: each operation flips one health check between
/// healthy and unhealthy (one outcome is enough to change level), runs it, and waits until a hub subscriber has
/// read the <see cref="HealthChanged"/> event, or until an alert sink has received the alert. Detection latency
/// is the check interval plus the first figure; alert latency after detection is the difference of the two.
/// </summary>
public class HealthLatencyBenchmarks
{
    private readonly FlippingCheck _check = new();
    private readonly WaitingSink _sink = new();
    private ServiceProvider _services = null!;
    private HealthMonitor _monitor = null!;
    private EventSubscription _events = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("db", _check);
        services.AddSelfHealing(b => b
            .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.OutcomesToWorsen = 1; o.OutcomesToRecover = 1; o.LogAlerts = false; })
            .AddHealthAlertSink(_sink));
        _services = services.BuildServiceProvider();
        _events = _services.GetRequiredService<IEventHub>().Subscribe("benchmark", e => e is HealthChanged);
        _monitor = _services.GetRequiredService<HealthMonitor>();
        await _monitor.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _monitor.StopAsync(CancellationToken.None);
        _events.Dispose();
        await _services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "check runs (no change)")]
    public Task CheckOnly() => _monitor.CheckNowAsync("db");

    [Benchmark(Description = "turns bad or good -> HealthChanged read by a subscriber")]
    public async Task<SelfHealingEvent> Detection()
    {
        _check.Flip();
        await _monitor.CheckNowAsync("db");
        SelfHealingEvent change = await _events.Reader.ReadAsync();
        _ = await _sink.Next.Reader.ReadAsync(); // keep the sink's queue empty
        return change;
    }

    [Benchmark(Description = "turns bad or good -> alert received by a sink")]
    public async Task<HealthAlert> DetectionAndAlert()
    {
        _check.Flip();
        await _monitor.CheckNowAsync("db");
        HealthAlert alert = await _sink.Next.Reader.ReadAsync();
        _ = await _events.Reader.ReadAsync(); // keep the subscription empty
        return alert;
    }

    private sealed class FlippingCheck : IHealthCheck
    {
        private static readonly Task<HealthCheckResult> Healthy = Task.FromResult(HealthCheckResult.Healthy());
        private static readonly Task<HealthCheckResult> Unhealthy = Task.FromResult(HealthCheckResult.Unhealthy("down"));
        private volatile bool _bad;

        public void Flip() => _bad = !_bad;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => _bad ? Unhealthy : Healthy;
    }

    private sealed class WaitingSink : IHealthAlertSink
    {
        public Channel<HealthAlert> Next { get; } = Channel.CreateUnbounded<HealthAlert>();

        public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken) => Next.Writer.WriteAsync(alert, cancellationToken);
    }
}
