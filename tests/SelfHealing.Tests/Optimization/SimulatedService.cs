using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Configuration;
using SelfHealing.Metrics;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Optimization;

/// <summary>
/// A service whose throughput and latency depend on its concurrency limit, timeout, retries and breaker
/// threshold, with seeded noise. More concurrency serves more of the offered load until contention slows
/// every request; retries save failed requests at a cost in latency; a timeout shorter than the latency
/// loses requests; the breaker threshold matters a little, best near 0.3.
/// </summary>
internal sealed class SimulatedService(IMetricsCollector collector, int seed)
{
    public static readonly ParameterDefinition[] Parameters =
    [
        ParameterDefinition.Duration("Svc:Timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)),
        ParameterDefinition.Integer("Svc:Concurrency", 4, 1, 64),
        ParameterDefinition.Integer("Svc:Retries", 0, 0, 5),
        ParameterDefinition.Float("Svc:BreakerThreshold", 0.5, 0.1, 0.9),
    ];

    private readonly Random _noise = new(seed);

    /// <summary>A host with SelfHealing on the given clock and this service's parameters, started.</summary>
    public static async Task<IHost> StartHostAsync(TimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(time);
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; o.DetectAnomalies = false; })
            .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.LogAlerts = false; })
            .AddAdaptiveParameters(Parameters));
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }
    private readonly MetricCounter _completed = collector.Counter("svc.completed");
    private readonly MetricHistogram _latency = collector.Histogram("svc.latency");

    public double Load { get; set; } = 500;

    public (double Throughput, double Latency) Model(IReadOnlyDictionary<string, object> values)
    {
        double concurrency = (long)values["Svc:Concurrency"];
        double timeout = ((TimeSpan)values["Svc:Timeout"]).TotalSeconds;
        double retries = (long)values["Svc:Retries"];
        double threshold = (double)values["Svc:BreakerThreshold"];
        double latency = 0.05 * (1 + Math.Pow(concurrency / (Load / 40), 2));
        const double fail = 0.1;
        double success = 1 - Math.Pow(fail, retries + 1);
        latency *= 1 + (0.5 * retries * fail);
        success *= Math.Min(1, timeout / (2 * latency));
        success *= 1 - (0.2 * Math.Abs(threshold - 0.3));
        double served = Math.Min(Load, concurrency / latency);
        return (served * success, latency);
    }

    public double TrueFitness(ConfigSnapshot snapshot) => TrueFitness(snapshot.Values);

    public double TrueFitness(IReadOnlyDictionary<string, object> values)
    {
        (double throughput, double latency) = Model(values);
        return (throughput / 100) - (latency * 1.2 / 0.5); // the p95 of the noise is about 1.2 times the latency
    }

    public double BestTrueFitness()
    {
        double best = double.NegativeInfinity;
        for (long c = 1; c <= 64; c++)
        {
            for (long r = 0; r <= 5; r++)
            {
                foreach (double t in (double[])[0.1, 0.5, 1, 2, 5])
                {
                    best = Math.Max(best, TrueFitness(new Dictionary<string, object>
                    {
                        ["Svc:Concurrency"] = c, ["Svc:Retries"] = r, ["Svc:Timeout"] = TimeSpan.FromSeconds(t), ["Svc:BreakerThreshold"] = 0.3,
                    }));
                }
            }
        }

        return best;
    }

    public void ServeOneSecond(ConfigSnapshot snapshot)
    {
        (double throughput, double latency) = Model(snapshot.Values);
        _completed.Add(Math.Max(0, throughput * (1 + (0.05 * _noise.Normal()))));
        for (int i = 0; i < 20; i++)
        {
            _latency.Record(latency * Math.Exp(0.1 * _noise.Normal()));
        }
    }
}
