using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.Telemetry;

namespace SelfHealing.DependencyInjection;

/// <summary>
/// Builds SelfHealing's options as the standard factory does (setups, configuration binding, validation), but a rebuild
/// that fails after a first good build, such as a configuration reload with a wrong value, keeps the last good options
/// and logs why (key, value, what is allowed) instead of throwing to whoever reloaded the configuration or asked for the
/// options next. The first build still throws: a bad value stops the start, with the same message.
/// </summary>
internal sealed partial class LastGoodOptionsFactory<TOptions> : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly OptionsFactory<TOptions> _inner;
    private readonly ConcurrentDictionary<string, TOptions> _lastGood = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;

    public LastGoodOptionsFactory(IServiceProvider services)
    {
        _inner = new OptionsFactory<TOptions>(
            services.GetServices<IConfigureOptions<TOptions>>(),
            services.GetServices<IPostConfigureOptions<TOptions>>(),
            services.GetServices<IValidateOptions<TOptions>>());
        _logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("SelfHealing.Options") ?? NullLogger.Instance;
        _throttle = new LogThrottle(services.GetService<TimeProvider>() ?? TimeProvider.System, TimeSpan.FromSeconds(10));
    }

    public TOptions Create(string name)
    {
        try
        {
            TOptions created = _inner.Create(name);
            _lastGood[name] = created;
            return created;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            if (!_lastGood.TryGetValue(name, out TOptions? previous))
            {
                throw;
            }

            if (_throttle.TryEnter(out long held))
            {
                LogReloadRefused(_logger, typeof(TOptions).Name, string.IsNullOrEmpty(name) ? "(default)" : name, exception.Message, held);
            }

            return previous;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "New {OptionsType} {Name} are invalid; the previous options stay in force: {Errors} ({Held} more refused since the last such line)")]
    private static partial void LogReloadRefused(ILogger logger, string optionsType, string name, string errors, long held);
}
