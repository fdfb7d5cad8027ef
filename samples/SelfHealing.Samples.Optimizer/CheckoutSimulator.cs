using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SelfHealing.Metrics;

namespace SelfHealing.Samples.Optimizer;

/// <summary>
/// A checkout service, simulated: every 20 ms it completes orders at a rate and a latency that depend on its
/// settings (read through IOptionsMonitor, as the real service would): more workers help until they contend,
/// batches raise throughput and latency, compression trades a little throughput for latency. It reports to the
/// metrics collector.
/// </summary>
public sealed class CheckoutSimulator(IOptionsMonitor<CheckoutOptions> options, IMetricsCollector metrics, TimeProvider time) : BackgroundService
{
    private readonly MetricCounter _completed = metrics.Counter("checkout.completed");
    private readonly MetricHistogram _latency = metrics.Histogram("checkout.latency", "s");
    private readonly Random _noise = new(7);

    public static (double OrdersPerSecond, double Latency) Model(CheckoutOptions o)
    {
        double latency = 0.010 + (0.002 * o.BatchSize) + (0.0004 * o.Workers * o.Workers);
        double rate = Math.Min(2000, o.Workers * o.BatchSize / latency);
        return o.Compression ? (rate * 0.95, latency * 0.8) : (rate, latency);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20), time);
        while (await tick.WaitForNextTickAsync(stoppingToken))
        {
            ServeTick();
        }
    }

    /// <summary>One 20-ms tick of work under the settings in force (the benchmarks drive it on a fake clock).</summary>
    public void ServeTick()
    {
        (double rate, double latency) = Model(options.CurrentValue);
        _completed.Add(rate * 0.02 * (1 + (0.05 * (_noise.NextDouble() - 0.5))));
        for (int i = 0; i < 5; i++)
        {
            _latency.Record(latency * Math.Exp(0.1 * (_noise.NextDouble() - 0.5)));
        }
    }
}
