using SelfHealing.Metrics;

namespace SelfHealing.Samples.Demo;

/// <summary>Steady traffic on the shop: <see cref="RequestsPerSecond"/> storefront requests a second, each one's outcome a metric.</summary>
public sealed class ShopLoad(Shop shop, ShopTuning tuning, IMetricsCollector metrics) : BackgroundService
{
    public const int RequestsPerSecond = 200;
    private const int MaxInFlight = 400;
    private readonly MetricCounter _served = metrics.Counter("shop.requests.served");
    private readonly MetricCounter _failed = metrics.Counter("shop.requests.failed");
    private readonly MetricHistogram _latency = metrics.Histogram("shop.checkout.latency", "s");
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                for (int i = 0; i < RequestsPerSecond / 100; i++)
                {
                    if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
                    {
                        Interlocked.Decrement(ref _inFlight);
                        _failed.Add(1);
                        continue;
                    }

                    _ = ServeAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await shop.ServeAsync(cancellationToken))
            {
                _served.Add(1);
                _latency.Record(tuning.Observe());
            }
            else
            {
                _failed.Add(1);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
