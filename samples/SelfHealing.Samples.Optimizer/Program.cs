// The online optimizer tunes a (simulated) checkout service live: each candidate configuration runs for a short
// window, its fitness is read from the metrics collector, and after each generation the best estimate is promoted
// through the adaptive configuration, which the service reads with its ordinary IOptionsMonitor. Two whole numbers and
// one switch: the engine chosen is CMA-ES, starting from the configuration in force.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Configuration;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Optimization;
using SelfHealing.Samples.Optimizer;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the sample prints the generations itself
builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Checkout"));
builder.Services.AddHostedService<CheckoutSimulator>();
builder.Services.AddSelfHealing(b => b
    .ConfigureMetrics(o =>
    {
        // Short buckets and quantile steps, so a quarter-second window measures its own candidate.
        o.BucketDuration = TimeSpan.FromMilliseconds(25);
        o.QuantileStep = TimeSpan.FromMilliseconds(50);
        o.Retention = TimeSpan.FromMinutes(2);
        o.CollectProcessMetrics = false;
        o.DetectAnomalies = false;
    })
    .AddAdaptiveParameters(
        ParameterDefinition.Integer("Checkout:Workers", 2, 1, 32),
        ParameterDefinition.Integer("Checkout:BatchSize", 1, 1, 50),
        ParameterDefinition.Boolean("Checkout:Compression", false))
    .ConfigureAdaptiveConfiguration(o => o.HistorySize = 500));

using IHost host = builder.Build();
var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
var defaults = new CheckoutOptions { Workers = 2, BatchSize = 1, Compression = false };
await host.StartAsync();

// Throughput up (orders a second, 1,000 counting as 1), p95 latency down (100 ms counting as 1).
var fitness = new WeightedFitness(host.Services.GetRequiredService<IMetricsCollector>(),
[
    new FitnessObjective { Metric = "checkout.completed", Statistic = MetricStatistic.Rate, Direction = ThresholdDirection.LowerIsWorse, Scale = 1000 },
    new FitnessObjective { Metric = "checkout.latency", Statistic = MetricStatistic.P95, Scale = 0.1 },
]);
var online = new OnlineOptimizer(config, fitness, TimeProvider.System, new OnlineOptimizerOptions
{
    EvaluationWindow = TimeSpan.FromMilliseconds(250),
    Genetic = new GeneticOptimizerOptions { PopulationSize = 6, EliteCount = 2, ReevaluateElites = true, Seed = 42, MaxGenerations = 100, StagnationGenerations = 100 },
});

Console.WriteLine($"Tuning the checkout service live with {online.EngineUsed}: 6 windows a generation, 250 ms each, through the adaptive configuration.");
for (int generation = 0; generation < 7; generation++)
{
    ConfigSnapshot promoted = await online.RunGenerationAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"generation {online.Generation}: fitness {online.Population[0].Fitness,6:F3}   workers {promoted.Get<long>("Checkout:Workers"),2}  batch {promoted.Get<long>("Checkout:BatchSize"),2}  compression {promoted.Get<bool>("Checkout:Compression"),-5}  (configuration version {promoted.Version})"));
}

await host.StopAsync();

ConfigSnapshot winner = config.Current;
var tuned = new CheckoutOptions
{
    Workers = (int)winner.Get<long>("Checkout:Workers"),
    BatchSize = (int)winner.Get<long>("Checkout:BatchSize"),
    Compression = winner.Get<bool>("Checkout:Compression"),
};
double Score(CheckoutOptions o)
{
    (double rate, double latency) = CheckoutSimulator.Model(o);
    return (rate / 1000) - (latency / 0.1);
}

(double tunedRate, double tunedP95) = CheckoutSimulator.Model(tuned);
(double defaultRate, double defaultP95) = CheckoutSimulator.Model(defaults);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Winner: workers {tuned.Workers}, batch {tuned.BatchSize}, compression {tuned.Compression}: {tunedRate:F0} orders/s at p95 {tunedP95 * 1000:F0} ms, against {defaultRate:F0} orders/s at p95 {defaultP95 * 1000:F0} ms for the defaults."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Fitness, the optimizer's objective (orders/s / 1,000 - p95 / 100 ms; higher is better), by the model: {Score(tuned):F3} tuned, {Score(defaults):F3} defaults."));
