using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Health;

namespace SelfHealing.Benchmarks.Health;

/// <summary>
/// One monitoring round over 1,000 components, against the health-check service running the same 1,000 checks.
/// Run with <c>--affinity 1</c> (one core), the round time is the CPU time it costs: a round every second costs
/// (round time / 1 s) of one core. The probe rounds move a fake clock one second per round, as a 1-second
/// interval would, so forecasts refresh every <see cref="HealthMonitorOptions.PredictionInterval"/> (10 s) as in
/// production, or on every reading in the last case. (A clock of real timers moved forward by hand, not
/// FakeTimeProvider, whose timer bookkeeping for 1,000 timers would dominate the measurement.)
/// </summary>
public class HealthRoundBenchmarks
{
    private const int Components = 1000;
    private ServiceProvider _checks = null!;
    private readonly SteppedClock _time = new();
    private ServiceProvider _probes = null!;
    private ServiceProvider _everyReading = null!;
    private HealthCheckService _service = null!;
    private HealthMonitor _checkMonitor = null!;
    private HealthMonitor _probeMonitor = null!;
    private HealthMonitor _everyReadingMonitor = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var checks = new ServiceCollection().AddLogging();
        IHealthChecksBuilder registrations = checks.AddHealthChecks();
        for (int i = 0; i < Components; i++)
        {
            registrations.AddCheck($"check-{i}", () => HealthCheckResult.Healthy());
        }

        checks.AddSelfHealing(b => b.ConfigureHealth(Quiet));
        _checks = checks.BuildServiceProvider();
        _service = _checks.GetRequiredService<HealthCheckService>();
        _checkMonitor = _checks.GetRequiredService<HealthMonitor>();
        await _checkMonitor.StartAsync(CancellationToken.None);

        (_probes, _probeMonitor) = await ProbedAsync(o => { });
        (_everyReading, _everyReadingMonitor) = await ProbedAsync(o => o.PredictionInterval = TimeSpan.Zero);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _checkMonitor.StopAsync(CancellationToken.None);
        await _probeMonitor.StopAsync(CancellationToken.None);
        await _everyReadingMonitor.StopAsync(CancellationToken.None);
        await _checks.DisposeAsync();
        await _probes.DisposeAsync();
        await _everyReading.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "HealthCheckService.CheckHealthAsync, 1,000 checks")]
    public Task<HealthReport> HealthCheckServiceRound() => _service.CheckHealthAsync(r => r.Name.StartsWith("check-", StringComparison.Ordinal));

    [Benchmark(Description = "HealthMonitor round, 1,000 health checks")]
    public Task MonitorChecksRound() => _checkMonitor.CheckNowAsync();

    [Benchmark(Description = "HealthMonitor round, 1,000 probes, 2 thresholds and forecasts each")]
    public Task MonitorProbesRound()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _probeMonitor.CheckNowAsync();
    }

    [Benchmark(Description = "HealthMonitor round, 1,000 probes, 2 thresholds, forecasts on every reading")]
    public Task MonitorProbesForecastingEveryReading()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return _everyReadingMonitor.CheckNowAsync();
    }

    private async Task<(ServiceProvider, HealthMonitor)> ProbedAsync(Action<HealthMonitorOptions> configure)
    {
        var probes = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        var random = new Random(42);
        probes.AddSelfHealing(b =>
        {
            b.ConfigureHealth(o => { Quiet(o); configure(o); });
            for (int i = 0; i < Components; i++)
            {
                b.AddHealthComponent($"component-{i}", c => c
                    .UseProbe(_ => ValueTask.FromResult(new HealthMetrics
                    {
                        ErrorRate = random.NextDouble() * 0.01,
                        ResponseTime = TimeSpan.FromMilliseconds(20 + random.NextDouble()),
                    }))
                    .Threshold(HealthMetricNames.ErrorRate, t => { t.Degraded = 0.05; t.Critical = 0.2; })
                    .Threshold(HealthMetricNames.ResponseTime, t => { t.Degraded = 200; t.Critical = 1000; }));
            }
        });
        ServiceProvider services = probes.BuildServiceProvider();
        var monitor = services.GetRequiredService<HealthMonitor>();
        await monitor.StartAsync(CancellationToken.None);
        for (int i = 0; i < 40; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await monitor.CheckNowAsync(); // fill the history, so rounds forecast
        }

        return (services, monitor);
    }

    // Timers far apart, so only the benchmark runs the rounds; no logging.
    private static void Quiet(HealthMonitorOptions o)
    {
        o.DefaultInterval = TimeSpan.FromHours(1);
        o.LogAlerts = false;
    }

    /// <summary>The system clock and timers, plus an offset the benchmark moves forward.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Volatile.Read(ref _offsetTicks));

        public override long GetTimestamp() =>
            System.GetTimestamp() + (long)(Volatile.Read(ref _offsetTicks) * (TimestampFrequency / (double)TimeSpan.TicksPerSecond));
    }
}
