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

        while (online.Generation < 30)
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
            for (int wait = 0; wait < 1000 && online.Generation < 2; wait++)
            {
                await _time.AdvanceToNextTimerAsync();
            }

            online.Generation.Should().BeGreaterThanOrEqualTo(2);
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
                o.Engine = OptimizerEngine.Genetic; // the genetic engine's population is what is kept across restarts
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
        online.Population.Should().OnlyContain(c => c.Fitness == options.RejectedFitness);
        logger.Collector.GetSnapshot().Where(r => r.Id.Id == 7004).Should().ContainSingle("four failures within a minute are one line");
        await host.StopAsync();
    }

    private sealed class ThrowingFitness : IFitnessSource
    {
        public ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the metrics backend is down");
    }

    private Task<IHost> StartHostAsync() => SimulatedService.StartHostAsync(_time);

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
}
