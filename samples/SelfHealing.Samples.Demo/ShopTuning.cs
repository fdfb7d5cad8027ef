using System.Collections.Concurrent;
using SelfHealing.Configuration;
using SelfHealing.Optimization;

namespace SelfHealing.Samples.Demo;

/// <summary>
/// The tunable side of the shop: a checkout whose latency depends on three parameters of the adaptive configuration
/// and on the workload. The best settings differ per workload (browsing wants a big cache and a small pool; a sale
/// wants a small cache, a big pool and compression), so a change of workload makes the optimizer tune again.
/// </summary>
public sealed class ShopTuning(AdaptiveConfigManager configuration, TimeProvider time) : IFitnessSource
{
    public const string CacheSize = "Shop:CacheSize";
    public const string PoolSize = "Shop:PoolSize";
    public const string Compression = "Shop:Compression";

    private readonly ConcurrentQueue<(DateTimeOffset At, double Seconds)> _observed = new();
    private readonly Random _noise = new(7);
    private readonly Lock _gate = new();

    public static IEnumerable<ParameterDefinition> Parameters =>
    [
        ParameterDefinition.Integer(CacheSize, 32, 16, 1024),
        ParameterDefinition.Integer(PoolSize, 2, 1, 64),
        ParameterDefinition.Boolean(Compression, false),
    ];

    /// <summary>Gets or sets the workload: <c>browsing</c> or <c>sale</c>.</summary>
    public string Workload { get; set; } = "browsing";

    /// <summary>The checkout latency, in seconds, of a request served now with the configuration in force.</summary>
    public double Observe()
    {
        ConfigSnapshot current = configuration.Current;
        double seconds = Latency(current.Get<long>(CacheSize), current.Get<long>(PoolSize), current.Get<bool>(Compression), Workload);
        double noise;
        lock (_gate)
        {
            noise = 1 + ((_noise.NextDouble() - 0.5) * 0.1);
        }

        seconds *= noise;
        DateTimeOffset now = time.GetUtcNow();
        _observed.Enqueue((now, seconds));
        while (_observed.TryPeek(out var oldest) && oldest.At < now - TimeSpan.FromMinutes(1))
        {
            _observed.TryDequeue(out _);
        }

        return seconds;
    }

    /// <summary>The fitness of a window: 10 ms divided by the mean checkout latency (1 is the best the model allows).</summary>
    public ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        double sum = 0;
        int count = 0;
        foreach ((DateTimeOffset at, double seconds) in _observed)
        {
            if (at >= since && at < until)
            {
                sum += seconds;
                count++;
            }
        }

        return ValueTask.FromResult(count == 0 ? 0 : 0.010 / (sum / count));
    }

    /// <summary>The model: 10 ms at the workload's best settings, more the further each parameter is from it.</summary>
    public static double Latency(long cacheSize, long poolSize, bool compression, string workload)
    {
        (double cache, double pool, bool compress) = workload == "sale" ? (64.0, 32.0, true) : (512.0, 4.0, false);
        double cacheMiss = Math.Log2(cacheSize / cache);
        double poolMiss = Math.Log2(poolSize / pool);
        return 0.010 + (0.004 * cacheMiss * cacheMiss) + (0.003 * poolMiss * poolMiss) + (compression == compress ? 0 : 0.008);
    }
}
