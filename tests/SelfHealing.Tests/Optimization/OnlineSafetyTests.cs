using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using SelfHealing.Configuration;
using SelfHealing.Optimization;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Optimization;

/// <summary>
/// The online optimizer's engines and its limits on harm: CMA-ES from the configuration in force, candidates cut short,
/// a regret budget; the guard's mid-window check; the one entry point for both engines.
/// </summary>
public sealed class OnlineSafetyTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly SignallingClock _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(OptimizerEngine.Auto, OptimizerEngine.CmaEs)]
    [InlineData(OptimizerEngine.Genetic, OptimizerEngine.Genetic)]
    public async Task Either_engine_tries_candidates_near_the_configuration_in_force_first(OptimizerEngine engine, OptimizerEngine expected)
    {
        double distance = await FirstGenerationDistanceAsync(engine, expected);

        // The mean distance of the first generation's candidates from the defaults, as a share of each parameter's range:
        // normal steps of 0.2 of the range keep it under 0.16 (the mean of their size); candidates drawn uniformly from the
        // whole ranges would be 0.39 away on average from these defaults.
        distance.Should().BeLessThan(0.2);
    }

    private async Task<double> FirstGenerationDistanceAsync(OptimizerEngine engine, OptimizerEngine expected)
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var seen = new RecordingFitness(config, _ => 1.0);
        var online = new OnlineOptimizer(config, seen, _time, Options(engine, o => o.CutShortMargin = 0));
        online.EngineUsed.Should().Be(expected);
        await DriveAsync(online.RunGenerationAsync());

        IReadOnlyDictionary<string, object> defaults = config.History[0].Values;
        if (expected == OptimizerEngine.CmaEs)
        {
            seen.Measured[0].Should().BeEquivalentTo(defaults, "CMA-ES measures its center first, and the center starts at the configuration in force");
        }

        return seen.Measured.Average(v => Distance(v, defaults));
    }

    [Fact]
    public async Task A_candidate_clearly_worse_than_the_configuration_in_force_is_rolled_back_halfway_and_scored_with_what_it_showed()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        // Concurrency above 8 is a disaster; at or below it, all is well.
        var seen = new RecordingFitness(config, v => (long)v["Svc:Concurrency"] > 8 ? -5 : 1);
        var online = new OnlineOptimizer(config, seen, _time, Options(OptimizerEngine.CmaEs));
        DateTimeOffset start = _time.GetUtcNow();

        await DriveAsync(online.RunGenerationAsync());

        int disasters = config.History.Count(v => v.Source == ConfigSource.Optimizer && v.Values.TryGetValue("Svc:Concurrency", out object? c) && (long)c > 8);
        disasters.Should().BeGreaterThan(0, "the first generation must try such a candidate for this test to mean anything");
        online.CutShort.Should().Be(disasters, "each one scores -5 halfway against 1 for the configuration in force");
        TimeSpan took = _time.GetUtcNow() - start;
        took.Should().Be((Window * 10) - (Window / 2 * disasters), "ten windows (the center and nine candidates), half of each cut one saved");
        config.History.Where(v => v.Reason is { } r && r.Contains("cut short", StringComparison.Ordinal)).Should().HaveCount(disasters, "each cut is a rollback with its reason");
        online.Regret.Should().BeApproximately(disasters * 6 * 0.5, 1e-9, "regret: 6 below the configuration in force for half a window each");
    }

    [Fact]
    public async Task Once_the_regret_budget_is_spent_the_optimizer_stops_exploring_and_the_configuration_in_force_stays()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var logger = new FakeLogger<OnlineOptimizer>();
        var seen = new RecordingFitness(config, v => (long)v["Svc:Concurrency"] > 8 ? -5 : 1);
        var online = new OnlineOptimizer(config, seen, _time, Options(OptimizerEngine.CmaEs, o => o.MaxRegret = 2), logger);

        using var stop = new CancellationTokenSource();
        Task loop = online.RunAsync(stop.Token);
        await DriveAsync(loop);

        online.RegretSpent.Should().BeTrue();
        online.Regret.Should().BeGreaterThanOrEqualTo(2);
        long version = config.Current.Version;
        Func<Task> more = () => online.RunGenerationAsync();
        await more.Should().ThrowAsync<InvalidOperationException>().WithMessage("*regret budget is spent*MaxRegret 2*");
        config.Current.Version.Should().Be(version, "nothing more is applied");
        logger.Collector.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 7007);
    }

    [Fact]
    public async Task The_guard_s_check_rolls_a_change_back_at_its_moment_with_its_reason()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        DateTimeOffset start = _time.GetUtcNow();
        var guard = new ConfigGuard { Window = Window, Check = _ => ValueTask.FromResult<string?>("checkout p95 doubled"), CheckAfter = TimeSpan.FromSeconds(3) };
        Task<GuardedApplyResult> apply = config.ApplyGuardedAsync(new Dictionary<string, object> { ["Svc:Retries"] = 2L }, guard, ConfigSource.Optimizer);
        await DriveAsync(apply);

        GuardedApplyResult result = await apply;
        (result.RolledBack, result.Regressions.Single()).Should().Be((true, "checkout p95 doubled"));
        (_time.GetUtcNow() - start).Should().Be(TimeSpan.FromSeconds(3));
        config.Current.Get<long>("Svc:Retries").Should().Be(0);

        guard.CheckAfter = TimeSpan.FromSeconds(11);
        Func<Task> late = () => config.ApplyGuardedAsync(new Dictionary<string, object> { ["Svc:Retries"] = 2L }, guard);
        await late.Should().ThrowAsync<ArgumentException>().WithMessage("The guard's CheckAfter is 00:00:11; allowed: 00:00:00 to the window (00:00:10).*");
    }

    [Fact]
    public async Task Bad_online_options_are_refused_naming_each()
    {
        using IHost host = await StartHostAsync();
        var config = host.Services.GetRequiredService<AdaptiveConfigManager>();
        Action bad = () => _ = new OnlineOptimizer(config, new RecordingFitness(config, _ => 1), _time, new OnlineOptimizerOptions
        {
            EvaluationWindow = TimeSpan.FromMilliseconds(10), Engine = (OptimizerEngine)7, InitialStepSize = 0, MinimumStepSize = 0.5, CutShortMargin = -1, MaxRegret = 0, RejectedFitness = double.NaN,
        });
        bad.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("EvaluationWindow is 00:00:00.0100000").And.Contain("Engine is 7").And.Contain("InitialStepSize is 0")
            .And.Contain("MinimumStepSize is 0.5").And.Contain("CutShortMargin is -1").And.Contain("MaxRegret is 0").And.Contain("RejectedFitness");
    }

    [Fact]
    public async Task One_entry_point_picks_CMA_ES_for_numbers_and_the_genetic_optimizer_when_choices_dominate()
    {
        GeneDefinition[] reals = [.. Enumerable.Range(0, 5).Select(i => GeneDefinition.Real($"x{i}", -5.12, 5.12))];
        OptimizationResult numbers = await Optimize.RunAsync(reals, (c, _) => ValueTask.FromResult(-TestFunctions.Sphere(c.Genes)), 5_000, seed: 1);
        (numbers.Engine, -numbers.Best.Fitness <= 1e-8, numbers.Evaluations <= 5_000).Should().Be((OptimizerEngine.CmaEs, true, true));

        GeneDefinition[] choices = [GeneDefinition.Boolean("a"), GeneDefinition.Boolean("b"), GeneDefinition.Categorical("c", ["x", "y", "z"]), GeneDefinition.Whole("n", 0, 9)];
        OptimizationResult mixed = await Optimize.RunAsync(choices, (c, _) => ValueTask.FromResult(c.Genes[0] + c.Genes[1] + (c.Genes[2] == 2 ? 1 : 0) - Math.Abs(c.Genes[3] - 7)), 2_000, seed: 1);
        (mixed.Engine, mixed.Best.Fitness, mixed.Evaluations <= 2_000).Should().Be((OptimizerEngine.Genetic, 3.0, true));

        Func<Task> none = () => Optimize.RunAsync(reals, (_, _) => ValueTask.FromResult(0.0), 0);
        await none.Should().ThrowAsync<ArgumentException>().WithMessage("maxEvaluations is 0; allowed: 1 to 100,000,000.*");
    }

    private static OnlineOptimizerOptions Options(OptimizerEngine engine, Action<OnlineOptimizerOptions>? configure = null)
    {
        var options = new OnlineOptimizerOptions { EvaluationWindow = Window, Engine = engine };
        options.Genetic.Seed = 3;
        configure?.Invoke(options);
        return options;
    }

    private static double Distance(IReadOnlyDictionary<string, object> values, IReadOnlyDictionary<string, object> from)
    {
        double total = 0;
        foreach (ParameterDefinition p in SimulatedService.Parameters)
        {
            double a = Number(values[p.Name]);
            double b = Number(from[p.Name]);
            total += Math.Abs(a - b) / (p.Maximum!.Value - p.Minimum!.Value);
        }

        return total / SimulatedService.Parameters.Length;
    }

    private static double Number(object value) => value switch
    {
        TimeSpan t => t.TotalSeconds,
        long l => l,
        _ => (double)value,
    };

    // Moves the clock whenever the code waits on it, to when that wait is due, until the task ends (bounded).
    private async Task DriveAsync(Task work)
    {
        for (int wait = 0; wait < 10_000 && await _time.AdvanceToNextTimerAsync(work); wait++)
        {
        }

        await work.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private Task<IHost> StartHostAsync() => SimulatedService.StartHostAsync(_time);

    // A fitness read from the configuration in force (what a live service would show), with every full window's configuration noted.
    private sealed class RecordingFitness(AdaptiveConfigManager config, Func<IReadOnlyDictionary<string, object>, double> score) : IFitnessSource
    {
        public List<IReadOnlyDictionary<string, object>> Measured { get; } = [];

        public ValueTask<double> MeasureAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
        {
            Measured.Add(config.Current.Values);
            return ValueTask.FromResult(score(config.Current.Values));
        }
    }
}
