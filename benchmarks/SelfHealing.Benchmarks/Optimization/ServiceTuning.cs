using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Configuration;
using SelfHealing.Metrics;
using SelfHealing.Optimization;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>
/// One live tuning run of a simulated service on a fake clock, as the tests drive it: the online optimizer applies each
/// candidate for its window while the service serves step by step; after each generation, the true fitness of what was
/// promoted is scored against the defaults and the grid optimum. Regret: over the time served, how much worse (true
/// fitness) the configuration in force was than the one promoted last (at first the defaults), in windows.
/// </summary>
internal static class ServiceTuning
{
    /// <summary>How one run went.</summary>
    /// <param name="Gap">After each generation run (index 0 = the first), the share of the gap between the defaults and the optimum closed by what was promoted.</param>
    /// <param name="Regret">The regret summed over every window before the workload change.</param>
    /// <param name="Reconverged">After the workload change, the generation (1-based) by which the promoted configuration closed <paramref name="Bar"/> of the new gap; null when not within the generations run.</param>
    /// <param name="Bar">The share of the gap counted as converged after the change.</param>
    internal sealed record Run(double[] Gap, double Regret, int? Reconverged, double Bar);

    public static async Task<Run> RunAsync(TunedService service, int seed, int generations, int afterChange, double bar, OptimizerEngine engine, bool randomSearch)
    {
        var clock = new SignallingClock(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o =>
            {
                o.CollectProcessMetrics = false;
                o.IncludeDefaultInstruments = false;
                o.DetectAnomalies = false;
                service.ConfigureMetrics(o);
            })
            .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.LogAlerts = false; })
            .ConfigureAdaptiveConfiguration(o => o.HistorySize = 100)
            .AddAdaptiveParameters([.. service.Parameters]));
        using IHost host = builder.Build();
        await host.StartAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var collector = host.Services.GetRequiredService<IMetricsCollector>();
        service.Start(collector, config, seed);
        OnlineOptimizerOptions options = service.Options(seed);
        options.Engine = engine;
        var regret = new RegretMeter(config, service, options.EvaluationWindow);
        var online = new OnlineOptimizer(config, service.Fitness(collector), clock, options, null, null, null,
            randomSearch ? (genes, fitness) => new RandomSearch(genes, fitness, options.Genetic.PopulationSize, seed) : null);

        double defaults = service.TrueFitness(config.Current.Values);
        double optimum = service.Optimum();
        regret.Running = defaults;
        var gap = new double[generations];
        for (int g = 0; g < generations; g++)
        {
            ConfigSnapshot promoted = await GenerationAsync(online, service, clock, regret);
            double value = service.TrueFitness(promoted.Values);
            gap[g] = (value - defaults) / (optimum - defaults);
            regret.Running = value;
        }

        double spent = regret.Total;
        int? reconverged = null;
        if (afterChange > 0 && service.HasWorkloadChange)
        {
            service.ChangeWorkload();
            double atChange = service.TrueFitness(config.Current.Values);
            double newOptimum = service.Optimum();
            regret.Running = atChange;
            for (int g = 1; g <= afterChange && reconverged is null; g++)
            {
                ConfigSnapshot promoted = await GenerationAsync(online, service, clock, regret);
                double value = service.TrueFitness(promoted.Values);
                regret.Running = value;
                if (value >= atChange + (bar * (newOptimum - atChange)))
                {
                    reconverged = g;
                }
            }
        }

        await host.StopAsync();
        return new Run(gap, spent, reconverged, bar);
    }

    // One generation, the service serving step by step up to when each wait of the optimizer (a candidate's window) is due.
    private static async Task<ConfigSnapshot> GenerationAsync(OnlineOptimizer online, TunedService service, SignallingClock clock, RegretMeter regret)
    {
        Task<ConfigSnapshot> generation = online.RunGenerationAsync();
        DateTimeOffset? due = await clock.NextTimerAsync(generation);
        for (long step = 0; step < 10_000_000 && due is not null; step++)
        {
            service.Serve();
            regret.Add(service.Step);
            clock.Fake.Advance(service.Step);
            if (clock.GetUtcNow() >= due)
            {
                due = await clock.NextTimerAsync(generation);
            }
        }

        return await generation.WaitAsync(TimeSpan.FromSeconds(30));
    }

    // Regret accrues with time served: for each step, how much worse (true fitness) the configuration in force is than
    // the one running before the candidates (the last promoted), in windows.
    private sealed class RegretMeter(AdaptiveConfigManager config, TunedService service, TimeSpan window)
    {
        public double Running { get; set; }

        public double Total { get; private set; }

        public void Add(TimeSpan step) => Total += Math.Max(0, Running - service.TrueFitness(config.Current.Values)) * (step / window);
    }

    /// <summary>The baseline: each generation, as many random candidates as the population; the best measured so far is promoted.</summary>
    private sealed class RandomSearch(IReadOnlyList<GeneDefinition> genes, Func<Chromosome, CancellationToken, ValueTask<double>> fitness, int size, int seed) : IGenerationalSearch
    {
        private readonly Random _random = new(seed);
        private List<Chromosome> _population = [];

        public int Generation { get; private set; } = -1;

        public IReadOnlyList<Chromosome> Population => _population;

        public Chromosome? Best { get; private set; }

        public double RunningFitness => Best?.Fitness ?? double.NaN;

        public bool ShouldEvolve() => true;

        public async Task<Chromosome> EvolveAsync(CancellationToken cancellationToken)
        {
            var drawn = new List<Chromosome>(size + 1);
            for (int i = 0; i < size; i++)
            {
                var candidate = new Chromosome([.. genes.Select(g => g.Legal(g.Random(_random)))]);
                candidate.Record(await fitness(candidate, cancellationToken));
                drawn.Add(candidate);
                if (Best is null || candidate.Fitness > Best.Fitness)
                {
                    Best = candidate;
                }
            }

            drawn.Sort((x, y) => y.Fitness.CompareTo(x.Fitness));
            _population = [Best!, .. drawn.Where(c => c != Best)];
            Generation++;
            return Best!;
        }
    }
}
