using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Storage;
using SelfHealing.Telemetry;

namespace SelfHealing.Configuration;

/// <summary>
/// Holds the tunable parameters and their current values as versioned, immutable snapshots: every change is
/// validated first and applied whole (a reader sees the old snapshot or the new one, never a mix), moves each
/// parameter at most its <see cref="ParameterDefinition.MaxChange"/>, is published as <see cref="ConfigChanged"/>,
/// reaches the app's <c>IOptionsMonitor&lt;T&gt;</c> through <see cref="AdaptiveConfigurationSource"/>, and is kept
/// in a bounded history for rollback and in the <see cref="IStateStore"/> (restored at start).
/// </summary>
public sealed partial class AdaptiveConfigManager : IHostedService, IConfigurationVersions
{
    private static readonly string[] SourceTagValues = ["static", "manual", "optimizer", "rollback", "recovery", "cluster"];

    /// <summary>The store collection of versions.</summary>
    public const string VersionCollection = "configuration.versions";

    /// <summary>The source name on the events the manager publishes.</summary>
    public const string EventSource = "configuration";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly AdaptiveConfigOptions _options;
    private readonly Dictionary<string, ParameterDefinition> _definitions = new(StringComparer.Ordinal);
    private readonly LinkedList<ConfigSnapshot> _history = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly IStateStore? _store;
    private readonly StoreWriter? _writer;
    private readonly IConfiguration? _configuration;
    private readonly IHealthView? _monitor;
    private readonly IMetricsCollector? _collector;
    private readonly ILogger _logger;
    private AdaptiveConfigurationProvider? _provider;
    private ConfigSnapshot _current;

    /// <summary>Creates a manager with every parameter at its default (version 1, source Static).</summary>
    /// <param name="options">The options.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="hub">Where <see cref="ConfigChanged"/> goes; none when <see langword="null"/>.</param>
    /// <param name="store">Where versions are kept; none when <see langword="null"/>.</param>
    /// <param name="configuration">The app's configuration, which gets the tuned values; none when <see langword="null"/>.</param>
    /// <param name="monitor">Watched by guarded applies; none when <see langword="null"/>.</param>
    /// <param name="collector">Read by guarded applies; none when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">Two parameters share a name, or an option is out of range.</exception>
    public AdaptiveConfigManager(
        IOptions<AdaptiveConfigOptions> options,
        IEnumerable<ParameterDefinition> parameters,
        TimeProvider timeProvider,
        IEventHub? hub = null,
        IStateStore? store = null,
        IConfiguration? configuration = null,
        HealthMonitor? monitor = null,
        IMetricsCollector? collector = null,
        ILogger<AdaptiveConfigManager>? logger = null)
        : this(options, parameters, timeProvider, hub, store, configuration, (IHealthView?)monitor, collector, logger)
    {
    }

    /// <summary>Creates a manager whose guarded applies watch any health view (the seam tests use).</summary>
    internal AdaptiveConfigManager(
        IOptions<AdaptiveConfigOptions> options,
        IEnumerable<ParameterDefinition> parameters,
        TimeProvider timeProvider,
        IEventHub? hub,
        IStateStore? store,
        IConfiguration? configuration,
        IHealthView? monitor,
        IMetricsCollector? collector,
        ILogger<AdaptiveConfigManager>? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(timeProvider);
        AdaptiveConfigOptionsValidator.ThrowIfInvalid(options.Value);
        _options = new AdaptiveConfigOptions { HistorySize = options.Value.HistorySize, GuardWindow = options.Value.GuardWindow };
        foreach (ParameterDefinition parameter in parameters)
        {
            if (!_definitions.TryAdd(parameter.Name, parameter))
            {
                throw new ArgumentException($"The parameter '{parameter.Name}' is defined twice; allowed: once.", nameof(parameters));
            }
        }

        _time = timeProvider;
        _hub = hub;
        _store = store;
        _configuration = configuration;
        _monitor = monitor;
        _collector = collector;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _writer = store is null ? null : new StoreWriter(store, Json, (ex, collection, key) => LogStoreFailed(_logger, ex, collection, key));
        _current = new ConfigSnapshot(1, timeProvider.GetUtcNow(), ConfigSource.Static, Defaults());
        _history.AddLast(_current);
    }

    /// <summary>Gets the version in force. Hold on to it to read several values consistently.</summary>
    public ConfigSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Gets the instruments the manager records to; the process-wide ones unless the host gives its own.</summary>
    internal SelfHealingInstrumentation Instrumentation { get; init; } = SelfHealingInstrumentation.Shared;

    /// <summary>Gets the versions kept, oldest first (the current one last).</summary>
    public IReadOnlyList<ConfigSnapshot> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>Gets the parameters, by name.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters
    {
        get
        {
            lock (_gate)
            {
                return [.. _definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Gets a parameter's current value.</summary>
    /// <typeparam name="T">bool, long, double, string or TimeSpan, as the parameter's type.</typeparam>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public T Get<T>(string name) => Current.Get<T>(name);

    /// <summary>Changes some parameters (the others keep their values).</summary>
    /// <param name="changes">The new values, by parameter name.</param>
    /// <param name="source">Where the change comes from.</param>
    /// <param name="fitness">The fitness measured for it, if any.</param>
    /// <param name="reason">Why, in words.</param>
    /// <returns>The new version; the current one when nothing changes.</returns>
    /// <exception cref="ArgumentException">A name is unknown or a value breaks a constraint (every problem is named); nothing is applied.</exception>
    public ConfigSnapshot Update(IReadOnlyDictionary<string, object> changes, ConfigSource source = ConfigSource.Manual, double? fitness = null, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            Dictionary<string, object> values = new(_current.Values, StringComparer.Ordinal);
            var notes = new List<string>();
            var errors = new List<string>();
            foreach ((string name, object value) in changes)
            {
                if (!_definitions.TryGetValue(name, out ParameterDefinition? definition))
                {
                    errors.Add($"{name} is not a parameter; known: {string.Join(", ", _definitions.Keys.Order(StringComparer.Ordinal))}");
                    continue;
                }

                if (definition.Check(value, out object? normalized) is { } problem)
                {
                    errors.Add($"{name}: {problem}");
                    continue;
                }

                object limited = definition.Limit(values[name], normalized!);
                if (!limited.Equals(normalized))
                {
                    notes.Add($"{name} moved to {ParameterDefinition.Format(limited)} on its way to {ParameterDefinition.Format(normalized!)} (at most {ParameterDefinition.Format(definition.Type == ParameterType.Duration ? TimeSpan.FromSeconds(definition.MaxChange!.Value) : definition.Type == ParameterType.Integer ? (long)definition.MaxChange!.Value : definition.MaxChange!.Value)} per change)");
                }

                values[name] = limited;
            }

            ThrowIfAny(errors, nameof(changes));
            string? why = notes.Count == 0 ? reason : string.Join("; ", reason is null ? notes : [reason, .. notes]);
            return Commit(values, source, fitness, why);
        }
    }

    /// <summary>Changes one parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="value">Its new value.</param>
    /// <param name="source">Where the change comes from.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">The name is unknown or the value breaks a constraint.</exception>
    public ConfigSnapshot Update(string name, object value, ConfigSource source = ConfigSource.Manual) =>
        Update(new Dictionary<string, object>(StringComparer.Ordinal) { [name] = value }, source);

    /// <summary>Applies a complete configuration: every parameter must be given.</summary>
    /// <param name="values">Every parameter's value.</param>
    /// <param name="source">Where it comes from.</param>
    /// <param name="fitness">The fitness measured for it, if any.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">A parameter is missing or unknown, or a value breaks a constraint.</exception>
    public ConfigSnapshot ApplyComplete(IReadOnlyDictionary<string, object> values, ConfigSource source = ConfigSource.Manual, double? fitness = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_gate)
        {
            string[] missing = [.. _definitions.Keys.Where(k => !values.ContainsKey(k)).Order(StringComparer.Ordinal)];
            if (missing.Length > 0)
            {
                throw new ArgumentException($"A complete configuration names every parameter; missing: {string.Join(", ", missing)}.", nameof(values));
            }

            return Update(values, source, fitness);
        }
    }

    /// <summary>Adds a parameter at its default value.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">A parameter of that name exists.</exception>
    public ConfigSnapshot AddParameter(ParameterDefinition parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        lock (_gate)
        {
            if (!_definitions.TryAdd(parameter.Name, parameter))
            {
                throw new ArgumentException($"The parameter '{parameter.Name}' exists already.", nameof(parameter));
            }

            ConfigSnapshot added = Commit(new Dictionary<string, object>(_current.Values, StringComparer.Ordinal) { [parameter.Name] = parameter.DefaultValue }, ConfigSource.Manual, null, $"added {parameter.Name}");
            AttachProvider();
            return added;
        }
    }

    /// <summary>Removes a parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">No parameter of that name.</exception>
    public ConfigSnapshot RemoveParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            if (!_definitions.Remove(name))
            {
                throw new ArgumentException($"There is no parameter '{name}'.", nameof(name));
            }

            var values = new Dictionary<string, object>(_current.Values, StringComparer.Ordinal);
            values.Remove(name);
            return Commit(values, ConfigSource.Manual, null, $"removed {name}");
        }
    }

    /// <summary>Resets parameters to their defaults (every parameter when none is named); step limits do not apply.</summary>
    /// <param name="names">The parameters.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public ConfigSnapshot ResetToDefault(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_gate)
        {
            string[] unknown = [.. names.Where(n => !_definitions.ContainsKey(n))];
            if (unknown.Length > 0)
            {
                throw new ArgumentException($"Unknown parameters: {string.Join(", ", unknown)}.", nameof(names));
            }

            var values = new Dictionary<string, object>(_current.Values, StringComparer.Ordinal);
            foreach (ParameterDefinition definition in names.Length == 0 ? _definitions.Values : names.Select(n => _definitions[n]))
            {
                values[definition.Name] = definition.DefaultValue;
            }

            return Commit(values, ConfigSource.Manual, null, names.Length == 0 ? "every parameter reset to its default" : $"reset to default: {string.Join(", ", names)}");
        }
    }

    /// <summary>Returns to a kept version: its values become a new version (source Rollback); step limits do not apply.</summary>
    /// <param name="version">The version to return to.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">The version is not kept (any more).</exception>
    public ConfigSnapshot Rollback(long version, string? reason = null)
    {
        lock (_gate)
        {
            ConfigSnapshot target = _history.FirstOrDefault(s => s.Version == version)
                ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Version {version} is not kept; kept: {string.Join(", ", _history.Select(s => s.Version))}."), nameof(version));
            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach ((string name, ParameterDefinition definition) in _definitions)
            {
                values[name] = target.Values.TryGetValue(name, out object? value) ? value : definition.DefaultValue;
            }

            return Commit(values, ConfigSource.Rollback, target.Fitness, reason ?? string.Create(CultureInfo.InvariantCulture, $"back to version {version}"), force: true);
        }
    }

    private static void ThrowIfAny(List<string> errors, string paramName)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The configuration change was not applied: {string.Join("; ", errors)}.", paramName);
        }
    }

    private Dictionary<string, object> Defaults() => _definitions.Values.ToDictionary(d => d.Name, d => d.DefaultValue, StringComparer.Ordinal);

    // Under _gate: a new snapshot when something changed (or always, for a rollback), published and stored.
    private ConfigSnapshot Commit(Dictionary<string, object> values, ConfigSource source, double? fitness, string? reason, bool force = false)
    {
        ConfigSnapshot previous = _current;
        List<string> changed = [.. values.Keys.Union(previous.Values.Keys, StringComparer.Ordinal)
            .Where(k => !(values.TryGetValue(k, out object? now) && previous.Values.TryGetValue(k, out object? before) && now.Equals(before)))
            .Order(StringComparer.Ordinal)];
        if (changed.Count == 0 && !force)
        {
            return previous;
        }

        var snapshot = new ConfigSnapshot(previous.Version + 1, _time.GetUtcNow(), source, values) { Fitness = fitness, Reason = reason };
        Volatile.Write(ref _current, snapshot);
        _history.AddLast(snapshot);
        while (_history.Count > _options.HistorySize)
        {
            _writer?.Put(VersionCollection, Key(_history.First!.Value.Version), null);
            _history.RemoveFirst();
        }

        _writer?.Put(VersionCollection, Key(snapshot.Version), StoredVersion.From(snapshot));
        _provider?.Publish(Formatted(snapshot));
        _hub?.Publish(new ConfigChanged(EventSource, snapshot.Timestamp, snapshot, previous.Version, changed));
        LogApplied(_logger, snapshot.Version, source, changed);
        CountCommit(source);
        return snapshot;
    }

    private void CountCommit(ConfigSource source)
    {
        if (Instrumentation.ConfigChanges.Enabled)
        {
            Instrumentation.ConfigChanges.Add(1, new KeyValuePair<string, object?>(SelfHealingMeter.ConfigSourceTag, SourceTagValues[(int)source]));
        }

        if (source == ConfigSource.Rollback && Instrumentation.ConfigRollbacks.Enabled)
        {
            Instrumentation.ConfigRollbacks.Add(1);
        }
    }

    private static Dictionary<string, string> Formatted(ConfigSnapshot snapshot) =>
        snapshot.Values.ToDictionary(v => v.Key, v => ParameterDefinition.Format(v.Value), StringComparer.Ordinal);

    private static string Key(long version) => version.ToString("D19", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Configuration version {Version} applied ({Source}): {Changed}")]
    private static partial void LogApplied(ILogger logger, long version, ConfigSource source, IReadOnlyList<string> changed);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "The state store could not keep {Collection}/{Key}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string collection, string key);

    /// <summary>A version as stored: values in their configuration text, read back through the definitions.</summary>
    private sealed record StoredVersion(long Version, DateTimeOffset Timestamp, ConfigSource Source, Dictionary<string, string> Values, double? Fitness, string? Reason)
    {
        public static StoredVersion From(ConfigSnapshot s) => new(s.Version, s.Timestamp, s.Source, Formatted(s), s.Fitness, s.Reason);
    }
}
