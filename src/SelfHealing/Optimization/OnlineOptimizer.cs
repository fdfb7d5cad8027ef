using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Storage;
using SelfHealing.Telemetry;

namespace SelfHealing.Optimization;

/// <summary>
/// Tunes an adaptive configuration live: each candidate of a <see cref="GeneticOptimizer"/> is applied, one at a
/// time, through the configuration's guarded apply for one evaluation window, and its fitness read from an
/// <see cref="IFitnessSource"/> (usually <see cref="WeightedFitness"/> over the metrics collector). A candidate
/// that breaks a parameter's constraints is never applied; one after which health regresses is rolled back
/// and scored <see cref="OnlineOptimizerOptions.RejectedFitness"/>. After each generation the best of the current
/// population is applied (promoted). Elites are evaluated again each generation, so a change of workload shows.
/// </summary>
public sealed partial class OnlineOptimizer
{
    private readonly TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AdaptiveConfigManager _configuration;
    private readonly IFitnessSource _fitness;
    private readonly LogThrottle _fitnessLog;
    private readonly TimeProvider _time;
    private readonly OnlineOptimizerOptions _options;
    private readonly ILogger _logger;
    private readonly ParameterDefinition[] _parameters;
    private readonly IReadOnlyList<GeneDefinition> _genes;
    private readonly IStateStore? _store;
    private readonly IEventHub? _hub;
    private readonly IGenerationalSearch _search;

    /// <summary>The <see cref="SelfHealingEvent.Source"/> of <see cref="ConfigurationPromoted"/>.</summary>
    public const string EventSource = "optimizer";

    /// <summary>Creates an online optimizer over the configuration's tunable parameters.</summary>
    /// <param name="configuration">The configuration tuned.</param>
    /// <param name="fitness">Where a window's fitness is read.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="store">Where the population and the best so far are kept after each generation; none when <see langword="null"/>.</param>
    /// <param name="eventHub">Where each promotion is published as <see cref="ConfigurationPromoted"/>; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">No parameter can be tuned, or an option is out of range.</exception>
    public OnlineOptimizer(AdaptiveConfigManager configuration, IFitnessSource fitness, TimeProvider timeProvider, OnlineOptimizerOptions? options = null, ILogger<OnlineOptimizer>? logger = null, IStateStore? store = null, IEventHub? eventHub = null)
        : this(configuration, fitness, timeProvider, options, logger, store, eventHub, search: null)
    {
    }

    /// <summary>Creates an online optimizer that drives another search than the genetic one (a baseline in the benchmarks).</summary>
    internal OnlineOptimizer(
        AdaptiveConfigManager configuration,
        IFitnessSource fitness,
        TimeProvider timeProvider,
        OnlineOptimizerOptions? options,
        ILogger<OnlineOptimizer>? logger,
        IStateStore? store,
        IEventHub? eventHub,
        Func<IReadOnlyList<GeneDefinition>, Func<Chromosome, CancellationToken, ValueTask<double>>, IGenerationalSearch>? search)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(fitness);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _configuration = configuration;
        _fitness = fitness;
        _time = timeProvider;
        _fitnessLog = new LogThrottle(timeProvider, LogThrottle.DefaultInterval); // candidates may be measured in parallel
        _options = options ?? new OnlineOptimizerOptions();
        _options.ThrowIfInvalid();

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _store = store;
        _hub = eventHub;
        _parameters = [.. configuration.Parameters];
        _genes = ConfigurationGenes.From(_parameters);
        if (_genes.Count == 0)
        {
            throw new ArgumentException("The configuration has no parameter the optimizer can tune (booleans, numbers, durations, strings with allowed values).", nameof(configuration));
        }

        GeneticOptimizerOptions genetic = _options.Genetic.Copy();
        genetic.MaxParallelism = 1; // one candidate live at a time
        EngineUsed = _options.Engine == OptimizerEngine.Auto ? Engines.Choose(_genes) : _options.Engine;
        double[] running = ConfigurationGenes.Encode(_parameters, _genes, configuration.Current.Values);
        _search = search?.Invoke(_genes, EvaluateAsync) ?? (EngineUsed == OptimizerEngine.CmaEs
            ? new CmaEsGenerations(_genes, EvaluateAsync, running, genetic.PopulationSize - 1, _options.InitialStepSize, _options.MinimumStepSize, genetic.Seed)
            : new GeneticOptimizer(_genes, EvaluateAsync, genetic) { StartAt = running, StartStep = _options.InitialStepSize });
    }

    /// <summary>The store collection of the optimizer's progress.</summary>
    public const string StateCollection = "optimization.online";

    private const string StateKey = "state";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Gets the genetic optimizer underneath (generation, population, best).</summary>
    public GeneticOptimizer Optimizer => _search as GeneticOptimizer ?? throw new InvalidOperationException("This online optimizer drives another search than the genetic one.");

    /// <summary>Gets the engine the candidates come from (<see cref="OnlineOptimizerOptions.Engine"/>, with <see cref="OptimizerEngine.Auto"/> resolved).</summary>
    public OptimizerEngine EngineUsed { get; }

    /// <summary>
    /// Gets the regret tuning has cost so far: summed over candidates, how much lower each one's measured fitness was
    /// than the configuration in force, times the share of a window it ran (<see cref="OnlineOptimizerOptions.MaxRegret"/>).
    /// </summary>
    public double Regret { get; private set; }

    /// <summary>Gets how many candidates were cut short (<see cref="OnlineOptimizerOptions.CutShortMargin"/>).</summary>
    public int CutShort { get; private set; }

    /// <summary>Gets whether the regret budget is spent: exploring has stopped and the configuration in force stays.</summary>
    public bool RegretSpent => _options.MaxRegret is { } most && Regret >= most;

    /// <summary>Gets how many generations have run (0 after the first).</summary>
    public int Generation => _search.Generation;

    /// <summary>
    /// Gets the last generation, the one promoted first: for the genetic engine its population, best first; for CMA-ES
    /// the new center (its fitness estimated from the candidates it was recombined from), then the center measured and
    /// the candidates, best first.
    /// </summary>
    public IReadOnlyList<Chromosome> Population => _search.Population;

    /// <summary>Runs one generation live, then promotes the best configuration found.</summary>
    /// <param name="cancellationToken">Stops the generation (the candidate being tried stays applied).</param>
    /// <returns>The configuration in force afterwards.</returns>
    /// <exception cref="InvalidOperationException">The regret budget is spent (<see cref="RegretSpent"/>).</exception>
    public async Task<ConfigSnapshot> RunGenerationAsync(CancellationToken cancellationToken = default)
    {
        if (RegretSpent)
        {
            throw new InvalidOperationException($"The online optimizer's regret budget is spent ({Regret:G4} of MaxRegret {_options.MaxRegret:G4}); the configuration in force stays.");
        }

        await _search.EvolveAsync(cancellationToken).ConfigureAwait(false);
        Chromosome best = _search.Population[0]; // the best as measured now: the best ever may date from another workload
        ConfigSnapshot promoted = _configuration.ApplyChromosome(best, _genes, $"best of generation {_search.Generation}");
        LogPromoted(_logger, _search.Generation, best.Fitness, promoted.Version);
        _hub?.Publish(new ConfigurationPromoted(EventSource, _time.GetUtcNow(), promoted, _search.Generation, best.Fitness)
        {
            MeanFitness = MeanFitness(_search.Population),
        });
        if (_store is not null && _search is GeneticOptimizer genetic)
        {
            var state = new OnlineState(
                [.. _genes.Select(g => g.Name)],
                genetic.Generation,
                ChromosomeState.Of(genetic.Best!),
                [.. genetic.Population.Select(ChromosomeState.Of)]);
            await _store.PutAsync(StateCollection, StateKey, JsonSerializer.Serialize(state, Json), cancellationToken).ConfigureAwait(false);
        }

        return promoted;
    }

    private static double MeanFitness(IReadOnlyList<Chromosome> population)
    {
        double sum = 0;
        int count = 0;
        foreach (Chromosome candidate in population)
        {
            if (double.IsFinite(candidate.Fitness))
            {
                sum += candidate.Fitness;
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>
    /// Continues from the population and best kept in the store, when they were kept for the same genes (a
    /// changed set of parameters starts afresh, logged).
    /// </summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>Whether a kept state was restored.</returns>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await RestoreCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _restored.TrySetResult();
        }
    }

    /// <summary>Completes once a restore has been tried (kept state or not): tests wait on it instead of polling.</summary>
    internal Task Restored => _restored.Task;

    private async Task<bool> RestoreCoreAsync(CancellationToken cancellationToken)
    {
        if (_store is null || await _store.GetAsync(StateCollection, StateKey, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            return false;
        }

        try
        {
            OnlineState? state = JsonSerializer.Deserialize<OnlineState>(json, Json);
            if (state is null || !state.Genes.SequenceEqual(_genes.Select(g => g.Name), StringComparer.Ordinal))
            {
                LogStateIgnored(_logger, "it was kept for other parameters");
                return false;
            }

            if (_search is not GeneticOptimizer genetic)
            {
                return false;
            }

            genetic.Restore(state.Population, state.Generation, state.Best);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            LogStateIgnored(_logger, ex.Message);
            return false;
        }
    }

    /// <summary>Runs generations until cancelled (the hosted loop's body).</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that ends when the loop is cancelled.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && _search.ShouldEvolve() && !RegretSpent)
        {
            await RunGenerationAsync(cancellationToken).ConfigureAwait(false);
        }

        if (RegretSpent)
        {
            LogRegretSpent(_logger, Regret, _options.MaxRegret!.Value, _configuration.Current.Version);
        }
    }

    private async ValueTask<double> EvaluateAsync(Chromosome candidate, CancellationToken cancellationToken)
    {
        Dictionary<string, object> values = ConfigurationGenes.Decode(_parameters, _genes, candidate);
        var guard = new ConfigGuard { Window = _options.EvaluationWindow };
        foreach (string component in _options.GuardedComponents)
        {
            guard.Components.Add(component);
        }

        // Halfway through, a candidate clearly worse than what runs is cut short: rolled back, scored with what it showed.
        double running = _search.RunningFitness;
        double partial = double.NaN;
        bool cut = false;
        if (_options.CutShortMargin > 0 && double.IsFinite(running) && running != _options.RejectedFitness)
        {
            guard.Check = async ct =>
            {
                partial = await MeasureAsync(_configuration.Current.Timestamp, ct).ConfigureAwait(false);
                cut = partial < running - (_options.CutShortMargin * Math.Abs(running));
                return cut ? string.Create(CultureInfo.InvariantCulture, $"cut short: fitness {partial:G4} halfway, against {running:G4} for the configuration in force") : null;
            };
        }

        DateTimeOffset started = _time.GetUtcNow();
        GuardedApplyResult result;
        try
        {
            result = await _configuration.ApplyGuardedAsync(values, guard, ConfigSource.Optimizer, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            LogRejected(_logger, ex.Message);
            return _options.RejectedFitness; // never applied
        }

        if (cut && result.RolledBack)
        {
            CutShort++;
            AddRegret(running, partial, (_time.GetUtcNow() - started) / _options.EvaluationWindow);
            LogCutShort(_logger, partial, running);
            return partial;
        }

        if (result.RolledBack)
        {
            return _options.RejectedFitness;
        }

        // A candidate equal to the configuration in force changes nothing and the guard returns at once: it gets a
        // window of its own too, so every candidate is measured over one full window of itself only.
        TimeSpan left = started + _options.EvaluationWindow - _time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, _time, cancellationToken).ConfigureAwait(false);
        }

        DateTimeOffset since = result.Applied.Timestamp > started ? result.Applied.Timestamp : started;
        double fitness = await MeasureAsync(since, cancellationToken).ConfigureAwait(false);
        if (!double.IsFinite(fitness))
        {
            return _options.RejectedFitness;
        }

        AddRegret(running, fitness, 1);
        return fitness;
    }

    private void AddRegret(double running, double fitness, double share)
    {
        if (double.IsFinite(running) && running != _options.RejectedFitness && double.IsFinite(fitness) && fitness < running)
        {
            Regret += (running - fitness) * Math.Clamp(share, 0, 1);
        }
    }

    // The window's fitness from the source, NaN when it failed (logged, at most once a minute) or has no data.
    private async Task<double> MeasureAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        try
        {
            return await _fitness.MeasureAsync(since, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The app's fitness source failed: this candidate scores as rejected, and the search goes on.
            if (_fitnessLog.TryEnter(out long held))
            {
                LogFitnessFailed(_logger, ex, held);
            }

            return double.NaN;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Generation {Generation}: best fitness {Fitness}, promoted as configuration version {Version}")]
    private static partial void LogPromoted(ILogger logger, int generation, double fitness, long version);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "A candidate configuration was not applied: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "The fitness source threw; the candidate scores as rejected and the search goes on ({Held} more since the last such line, which comes at most once a minute)")]
    private static partial void LogFitnessFailed(ILogger logger, Exception exception, long held);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "The online optimizer stopped: {Reason}; the configuration in force stays, and the app goes on")]
    internal static partial void LogStopped(ILogger logger, Exception exception, string reason);

    /// <summary>Logs why the background loop ended with an error.</summary>
    internal void ReportStopped(Exception exception) => LogStopped(_logger, exception, exception.Message);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Debug, Message = "A candidate was cut short: fitness {Fitness} halfway, against {Running} for the configuration in force")]
    private static partial void LogCutShort(ILogger logger, double fitness, double running);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "The online optimizer stopped exploring: its regret {Regret} reached MaxRegret {MaxRegret}; configuration version {Version} stays")]
    private static partial void LogRegretSpent(ILogger logger, double regret, double maxRegret, long version);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "The kept optimizer state is not used: {Reason}")]
    private static partial void LogStateIgnored(ILogger logger, string reason);

    private sealed record OnlineState(string[] Genes, int Generation, ChromosomeState Best, ChromosomeState[] Population);
}
