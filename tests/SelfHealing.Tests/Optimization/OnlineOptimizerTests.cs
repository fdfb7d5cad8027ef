using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Optimization;
using SelfHealing.Storage;
using SelfHealing.Tests.TestSupport;
using Xunit.Abstractions;

namespace SelfHealing.Tests.Optimization;

/// <summary>The online optimizer tuning a simulated service live, its fitness read from the metrics collector.</summary>
public sealed class OnlineOptimizerTests(ITestOutputHelper output)
{
    private readonly SignallingClock _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task It_improves_a_simulated_service_over_its_defaults_and_adapts_when_the_workload_changes()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var collector = host.Services.GetRequiredService<IMetricsCollector>();
        var service = new SimulatedService(collector, seed: 11);
        var fitness = new WeightedFitness(collector,
        [
            new FitnessObjective { Metric = "svc.completed", Statistic = MetricStatistic.Rate, Direction = ThresholdDirection.LowerIsWorse, Scale = 100 },
            new FitnessObjective { Metric = "svc.latency", Statistic = MetricStatistic.P95, Scale = 0.5 },
        ]);
        using EventSubscription promotions = host.Services.GetRequiredService<IEventHub>().Subscribe("promotions", e => e is ConfigurationPromoted);
        var online = new OnlineOptimizer(config, fitness, _time, new OnlineOptimizerOptions
        {
            EvaluationWindow = TimeSpan.FromSeconds(10),
            Genetic = new GeneticOptimizerOptions { PopulationSize = 10, EliteCount = 2, ReevaluateElites = true, Seed = 3, MaxGenerations = 1_000_000, StagnationGenerations = 1_000_000 },
        }, eventHub: host.Services.GetRequiredService<IEventHub>());

        double defaults = service.TrueFitness(config.Current);
        int improvedAt = -1;
        for (int generation = 1; generation <= 100 && improvedAt < 0; generation++)
        {
            ConfigSnapshot promoted = await RunAsync(online, service, config);
            if (service.TrueFitness(promoted) >= defaults * 1.15)
            {
                improvedAt = generation;
            }
        }

        output.WriteLine($"defaults {defaults:F3}; 15% better by generation {improvedAt}: {service.TrueFitness(config.Current):F3}");
        improvedAt.Should().BeInRange(1, 100);
        var published = new List<ConfigurationPromoted>();
        while (promotions.Reader.TryRead(out SelfHealingEvent? e))
        {
            published.Add((ConfigurationPromoted)e);
        }

        published.Select(p => p.Generation).Should().Equal(Enumerable.Range(0, improvedAt), "each generation's promotion is published once, and candidates are not");
        published[^1].Snapshot.Should().Be(config.Current);

        while (online.Optimizer.Generation < 30)
        {
            await RunAsync(online, service, config); // settle near the best for this workload
        }

        // The offered load drops to a third: the concurrency that was best now queues requests for nothing.
        service.Load = 160;
        double atChange = service.TrueFitness(config.Current);
        double optimum = service.BestTrueFitness();
        atChange.Should().BeLessThan(optimum - (0.25 * Math.Abs(optimum)), "the change must leave the tuned configuration far from the new best");
        int adaptedAt = -1;
        for (int generation = 1; generation <= 10 && adaptedAt < 0; generation++)
        {
            ConfigSnapshot promoted = await RunAsync(online, service, config);
            if (service.TrueFitness(promoted) >= atChange + (0.5 * (optimum - atChange)))
            {
                adaptedAt = generation;
            }
        }

        output.WriteLine($"after the change {atChange:F3} (optimum {optimum:F3}); half the gap closed by generation {adaptedAt}: {service.TrueFitness(config.Current):F3}");
        adaptedAt.Should().BeInRange(1, 10);
        config.Current.Source.Should().Be(ConfigSource.Optimizer);
        await host.StopAsync();
    }

    [Fact]
    public async Task Registered_with_the_host_it_tunes_while_the_host_runs_stops_with_it_and_continues_after_a_restart()
    {
        var store = new InMemoryStateStore();
        using (IHost first = BuildTuned(store))
        {
            await first.StartAsync();
            var online = first.Services.GetRequiredService<OnlineOptimizer>();
            var config = first.Services.GetRequiredService<AdaptiveConfigManager>();
            // The clock moves only when the hosted loop waits on it, to when its wait is due (bounded: 1,000 waits).
            for (int wait = 0; wait < 1000 && online.Optimizer.Generation < 2; wait++)
            {
                await _time.AdvanceToNextTimerAsync();
            }

            online.Optimizer.Generation.Should().BeGreaterThanOrEqualTo(2);
            config.History.Should().Contain(v => v.Source == ConfigSource.Optimizer && v.Reason != null && v.Reason.StartsWith("best of generation", StringComparison.Ordinal));
            await first.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        string? kept = await store.GetAsync(OnlineOptimizer.StateCollection, "state");
        kept.Should().NotBeNull();
        using IHost second = BuildTuned(store);
        await second.StartAsync();
        var restarted = second.Services.GetRequiredService<OnlineOptimizer>();
        await restarted.Restored.WaitAsync(TimeSpan.FromSeconds(10)); // restored at start, before any time passes
        GeneticOptimizer resumed = restarted.Optimizer;
        resumed.Generation.Should().BeGreaterThanOrEqualTo(2);
        resumed.Population.Should().HaveCount(4);
        await second.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private IHost BuildTuned(InMemoryStateStore store)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<IStateStore>(store);
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
            .AddAdaptiveParameters(ParameterDefinition.Integer("Svc:Concurrency", 4, 1, 64))
            .AddOnlineOptimizer(_ => new ConstantFitness(), o =>
            {
                o.EvaluationWindow = TimeSpan.FromSeconds(5);
                o.Genetic.PopulationSize = 4;
                o.Genetic.EliteCount = 1;
                o.Genetic.Seed = 1;
            }));
        return builder.Build();
    }

    // The same fitness for every window: this test is about the loop running with the host, not about tuning.
    private sealed class ConstantFitness : IFitnessSource
    {
        public ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) => ValueTask.FromResult(1.0);
    }

    [Fact]
    public async Task A_fitness_source_that_throws_scores_its_candidate_as_rejected_and_the_search_goes_on()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<OnlineOptimizer>();
        var options = new OnlineOptimizerOptions
        {
            EvaluationWindow = TimeSpan.FromSeconds(1),
            Genetic = new GeneticOptimizerOptions { PopulationSize = 4, EliteCount = 1, Seed = 5, MaxGenerations = 10 },
        };
        var online = new OnlineOptimizer(config, new ThrowingFitness(), _time, options, logger);

        // The clock moves when the generation waits on it, to when its wait is due, until the generation ends.
        Task<ConfigSnapshot> generation = online.RunGenerationAsync();
        for (int wait = 0; wait < 1000 && await _time.AdvanceToNextTimerAsync(generation); wait++)
        {
        }

        await generation.WaitAsync(TimeSpan.FromSeconds(10));
        online.Optimizer.Population.Should().OnlyContain(c => c.Fitness == options.RejectedFitness);
        logger.Collector.GetSnapshot().Where(r => r.Id.Id == 7004).Should().ContainSingle("four failures within a minute are one line");
        await host.StopAsync();
    }

    private sealed class ThrowingFitness : IFitnessSource
    {
        public ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the metrics backend is down");
    }

    // A host with SelfHealing on the fake clock and the simulated service's parameters, started.
    private async Task<IHost> StartHostAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; o.DetectAnomalies = false; })
            .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.LogAlerts = false; })
            .AddAdaptiveParameters(SimulatedService.Parameters));
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    // Runs one generation while the simulated service serves requests second by second on the fake clock.
    private async Task<ConfigSnapshot> RunAsync(OnlineOptimizer online, SimulatedService service, AdaptiveConfigManager config)
    {
        // Second by second up to when the generation's current wait (a candidate's window) is due; then the next
        // wait is awaited, so every window is served under its own candidate.
        Task<ConfigSnapshot> generation = online.RunGenerationAsync();
        DateTimeOffset? due = await _time.NextTimerAsync(generation);
        for (int second = 0; second < 100_000 && due is not null; second++)
        {
            service.ServeOneSecond(config.Current);
            _time.Fake.Advance(TimeSpan.FromSeconds(1));
            if (_time.GetUtcNow() >= due)
            {
                due = await _time.NextTimerAsync(generation);
            }
        }

        return await generation.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// A service whose throughput and latency depend on its concurrency limit, timeout, retries and breaker
    /// threshold, with seeded noise. More concurrency serves more of the offered load until contention slows
    /// every request; retries save failed requests at a cost in latency; a timeout shorter than the latency
    /// loses requests; the breaker threshold matters a little, best near 0.3.
    /// </summary>
    private sealed class SimulatedService(IMetricsCollector collector, int seed)
    {
        public static readonly ParameterDefinition[] Parameters =
        [
            ParameterDefinition.Duration("Svc:Timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)),
            ParameterDefinition.Integer("Svc:Concurrency", 4, 1, 64),
            ParameterDefinition.Integer("Svc:Retries", 0, 0, 5),
            ParameterDefinition.Float("Svc:BreakerThreshold", 0.5, 0.1, 0.9),
        ];

        private readonly Random _noise = new(seed);
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
}
