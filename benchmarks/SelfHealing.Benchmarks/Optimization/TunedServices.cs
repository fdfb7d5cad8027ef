using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHealing.Configuration;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Optimization;
using SelfHealing.Samples.Optimizer;
using SelfHealing.Tests.Optimization;

namespace SelfHealing.Benchmarks.Optimization;

/// <summary>A simulated service the online optimizer tunes live on a fake clock, with its true fitness for scoring.</summary>
internal abstract class TunedService
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<ParameterDefinition> Parameters { get; }

    /// <summary>Gets how much fake time one <see cref="Serve"/> covers.</summary>
    public abstract TimeSpan Step { get; }

    /// <summary>Gets whether the service has a second workload (<see cref="ChangeWorkload"/>).</summary>
    public virtual bool HasWorkloadChange => false;

    public virtual void ConfigureMetrics(MetricsCollectorOptions options)
    {
    }

    /// <summary>The online optimizer's options as the tests or the sample set them, with the run's seed.</summary>
    public abstract OnlineOptimizerOptions Options(int seed);

    public abstract void Start(IMetricsCollector collector, AdaptiveConfigManager configuration, int seed);

    public abstract IFitnessSource Fitness(IMetricsCollector collector);

    /// <summary>Serves one <see cref="Step"/> under the configuration in force.</summary>
    public abstract void Serve();

    /// <summary>The fitness the configuration would have without noise (what the measured fitness estimates).</summary>
    public abstract double TrueFitness(IReadOnlyDictionary<string, object> values);

    /// <summary>The best true fitness on a grid of the parameters.</summary>
    public abstract double Optimum();

    public virtual void ChangeWorkload()
    {
    }
}

/// <summary>The tests' simulated service (concurrency, timeout, retries, breaker threshold), served second by second.</summary>
internal sealed class TestsService : TunedService
{
    private SimulatedService? _service;
    private AdaptiveConfigManager? _configuration;

    public override string Name => "tests' service";

    public override IReadOnlyList<ParameterDefinition> Parameters => SimulatedService.Parameters;

    public override TimeSpan Step => TimeSpan.FromSeconds(1);

    public override bool HasWorkloadChange => true;

    public override OnlineOptimizerOptions Options(int seed)
    {
        var options = new OnlineOptimizerOptions { EvaluationWindow = TimeSpan.FromSeconds(10) };
        options.Genetic.Seed = seed;
        return options;
    }

    public override void Start(IMetricsCollector collector, AdaptiveConfigManager configuration, int seed)
    {
        _service = new SimulatedService(collector, seed);
        _configuration = configuration;
    }

    public override IFitnessSource Fitness(IMetricsCollector collector) => new WeightedFitness(collector,
    [
        new FitnessObjective { Metric = "svc.completed", Statistic = MetricStatistic.Rate, Direction = ThresholdDirection.LowerIsWorse, Scale = 100 },
        new FitnessObjective { Metric = "svc.latency", Statistic = MetricStatistic.P95, Scale = 0.5 },
    ]);

    public override void Serve() => _service!.ServeOneSecond(_configuration!.Current);

    public override double TrueFitness(IReadOnlyDictionary<string, object> values) => _service!.TrueFitness(values);

    public override double Optimum() => _service!.BestTrueFitness();

    public override void ChangeWorkload() => _service!.Load = 160;
}

/// <summary>The optimizer sample's checkout service (workers, batch size, compression), served 20 ms at a time.</summary>
internal sealed class CheckoutService : TunedService
{
    private CheckoutSimulator? _simulator;

    public override string Name => "checkout sample";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Integer("Checkout:Workers", 2, 1, 32),
        ParameterDefinition.Integer("Checkout:BatchSize", 1, 1, 50),
        ParameterDefinition.Boolean("Checkout:Compression", false),
    ];

    public override TimeSpan Step => TimeSpan.FromMilliseconds(20);

    public override void ConfigureMetrics(MetricsCollectorOptions options)
    {
        // As the sample sets them: short buckets and quantile steps, so a quarter-second window measures its own candidate.
        options.BucketDuration = TimeSpan.FromMilliseconds(25);
        options.QuantileStep = TimeSpan.FromMilliseconds(50);
        options.Retention = TimeSpan.FromMinutes(2);
    }

    public override OnlineOptimizerOptions Options(int seed) => new()
    {
        EvaluationWindow = TimeSpan.FromMilliseconds(250),
        Genetic = new GeneticOptimizerOptions { PopulationSize = 6, EliteCount = 2, ReevaluateElites = true, Seed = seed, MaxGenerations = 100, StagnationGenerations = 100 },
    };

    public override void Start(IMetricsCollector collector, AdaptiveConfigManager configuration, int seed) =>
        _simulator = new CheckoutSimulator(new BoundOptions(configuration), collector, TimeProvider.System);

    public override IFitnessSource Fitness(IMetricsCollector collector) => new WeightedFitness(collector,
    [
        new FitnessObjective { Metric = "checkout.completed", Statistic = MetricStatistic.Rate, Direction = ThresholdDirection.LowerIsWorse, Scale = 1000 },
        new FitnessObjective { Metric = "checkout.latency", Statistic = MetricStatistic.P95, Scale = 0.1 },
    ]);

    public override void Serve() => _simulator!.ServeTick();

    public override double TrueFitness(IReadOnlyDictionary<string, object> values)
    {
        (double rate, double latency) = CheckoutSimulator.Model(BoundOptions.From(values));
        return (rate / 1000) - (latency / 0.1);
    }

    public override double Optimum()
    {
        double best = double.NegativeInfinity;
        for (int workers = 1; workers <= 32; workers++)
        {
            for (int batch = 1; batch <= 50; batch++)
            {
                foreach (bool compression in (bool[])[false, true])
                {
                    (double rate, double latency) = CheckoutSimulator.Model(new CheckoutOptions { Workers = workers, BatchSize = batch, Compression = compression });
                    best = Math.Max(best, (rate / 1000) - (latency / 0.1));
                }
            }
        }

        return best;
    }

    // The sample binds CheckoutOptions from the configuration the optimizer changes; here they are read from it directly.
    private sealed class BoundOptions(AdaptiveConfigManager configuration) : IOptionsMonitor<CheckoutOptions>
    {
        public CheckoutOptions CurrentValue => From(configuration.Current.Values);

        public static CheckoutOptions From(IReadOnlyDictionary<string, object> values) => new()
        {
            Workers = (int)(long)values["Checkout:Workers"],
            BatchSize = (int)(long)values["Checkout:BatchSize"],
            Compression = (bool)values["Checkout:Compression"],
        };

        public CheckoutOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<CheckoutOptions, string?> listener) => null;
    }
}
