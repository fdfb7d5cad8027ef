using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using SelfHealing.Events;
using SelfHealing.Telemetry;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// The named breakers of the application. A breaker is created on first use from the named
/// <see cref="CircuitBreakerOptions"/> of its name; when the configuration reloads, every breaker takes its new
/// options without losing its state or counts (invalid new options are logged and the old ones kept).
/// </summary>
public sealed partial class CircuitBreakerRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<CircuitBreaker>> _breakers = new(StringComparer.Ordinal);
    private readonly IOptionsFactory<CircuitBreakerOptions> _optionsFactory;
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SelfHealingInstrumentation _instrumentation;
    private readonly IDisposable? _reloadSubscription;

    /// <summary>Creates a registry without dependency injection; every breaker gets the options <paramref name="configure"/> gives it.</summary>
    /// <param name="configure">Configures the options of the breaker with the given name; <see langword="null"/> for defaults.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="eventHub">Where state changes are published, if anywhere.</param>
    /// <param name="loggerFactory">Where breakers log.</param>
    public CircuitBreakerRegistry(
        Action<string, CircuitBreakerOptions>? configure = null,
        TimeProvider? timeProvider = null,
        IEventHub? eventHub = null,
        ILoggerFactory? loggerFactory = null)
        : this(new DelegateOptionsFactory(configure), timeProvider ?? TimeProvider.System, eventHub, loggerFactory ?? NullLoggerFactory.Instance, SelfHealingInstrumentation.Shared, configuration: null)
    {
    }

    internal CircuitBreakerRegistry(
        IOptionsFactory<CircuitBreakerOptions> optionsFactory,
        TimeProvider timeProvider,
        IEventHub? eventHub,
        ILoggerFactory loggerFactory,
        SelfHealingInstrumentation instrumentation,
        IConfiguration? configuration)
    {
        _optionsFactory = optionsFactory;
        _time = timeProvider;
        _hub = eventHub;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<CircuitBreakerRegistry>();
        _instrumentation = instrumentation;
        if (configuration is not null)
        {
            _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        }
    }

    /// <summary>Gets or sets the fault injection every breaker created here asks before its calls; none without SelfHealing.Chaos.</summary>
    internal CallFaults? Faults { get; init; }

    /// <summary>Gets every breaker created so far.</summary>
    public IReadOnlyCollection<CircuitBreaker> Breakers =>
        [.. _breakers.Values.Where(l => l.IsValueCreated).Select(l => l.Value).OrderBy(b => b.Name, StringComparer.Ordinal)];

    /// <summary>Gets the breaker called <paramref name="name"/>, creating it from its named options on first use.</summary>
    /// <param name="name">The breaker's name.</param>
    /// <returns>The breaker.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    /// <exception cref="OptionsValidationException">The breaker's options are invalid; the message names each key, value and allowed range.</exception>
    public CircuitBreaker GetOrCreate(string name)
    {
        if (_breakers.TryGetValue(name ?? string.Empty, out Lazy<CircuitBreaker>? existing))
        {
            return existing.Value;
        }

        ComponentNames.ThrowIfInvalid(name, nameof(name));
        Lazy<CircuitBreaker> lazy = _breakers.GetOrAdd(name, n => new Lazy<CircuitBreaker>(() => Create(n), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not cache the failure: fixed options must be able to create the breaker later.
            _breakers.TryRemove(new KeyValuePair<string, Lazy<CircuitBreaker>>(name, lazy));
            throw;
        }
    }

    /// <summary>Gets the breaker called <paramref name="name"/> if it has been created.</summary>
    /// <param name="name">The breaker's name.</param>
    /// <param name="breaker">The breaker, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out CircuitBreaker? breaker)
    {
        if (name is not null && _breakers.TryGetValue(name, out Lazy<CircuitBreaker>? lazy) && lazy.IsValueCreated)
        {
            breaker = lazy.Value;
            return true;
        }

        breaker = null;
        return false;
    }

    /// <summary>Gets a snapshot of every breaker, for dashboards and health checks.</summary>
    /// <returns>The snapshots, ordered by name.</returns>
    public IReadOnlyList<CircuitBreakerSnapshot> GetSnapshots() => [.. Breakers.Select(b => b.GetSnapshot())];

    /// <summary>
    /// Rebuilds every breaker's options from its named options and hands them over without resetting state
    /// or counts. Called on each configuration reload; call it yourself after changing options by other means.
    /// </summary>
    public void Reload()
    {
        foreach (CircuitBreaker breaker in Breakers)
        {
            try
            {
                breaker.UpdateOptions(_optionsFactory.Create(breaker.Name));
            }
            catch (Exception exception) when (exception is OptionsValidationException or ArgumentException)
            {
                LogReloadRejected(_logger, exception, breaker.Name);
            }
        }
    }

    /// <summary>Stops every breaker's timers and the configuration subscription.</summary>
    public void Dispose()
    {
        _reloadSubscription?.Dispose();
        foreach (CircuitBreaker breaker in Breakers)
        {
            breaker.Dispose();
        }
    }

    private CircuitBreaker Create(string name)
    {
        CircuitBreakerOptions options = _optionsFactory.Create(name);
        return new CircuitBreaker(name, options, _time, _hub, _loggerFactory.CreateLogger("SelfHealing.CircuitBreakers.CircuitBreaker." + name), _instrumentation)
        {
            Faults = Faults,
        };
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "New options of circuit {CircuitName} are invalid; it keeps its previous options")]
    private static partial void LogReloadRejected(ILogger logger, Exception exception, string circuitName);

    private sealed class DelegateOptionsFactory(Action<string, CircuitBreakerOptions>? configure) : IOptionsFactory<CircuitBreakerOptions>
    {
        public CircuitBreakerOptions Create(string name)
        {
            var options = new CircuitBreakerOptions();
            configure?.Invoke(name, options);
            return options;
        }
    }
}
