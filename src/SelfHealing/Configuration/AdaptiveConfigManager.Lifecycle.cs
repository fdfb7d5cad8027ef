using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Configuration;

public sealed partial class AdaptiveConfigManager
{
    private int _started;

    /// <summary>
    /// Starts: restores the last stored version (values that no longer fit their parameter fall back to the default,
    /// logged), connects to the app's configuration, and publishes the values there.
    /// </summary>
    /// <param name="cancellationToken">Cancels reading the store.</param>
    /// <returns>A task that ends when the values are in force.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        if (_store is not null)
        {
            await RestoreAsync(_store, cancellationToken).ConfigureAwait(false);
            _writer!.Start();
        }

        AttachProvider();
    }

    // Connects to the app's configuration once there is something to show (adding a source reloads it).
    private void AttachProvider()
    {
        lock (_gate)
        {
            if (_provider is not null || _definitions.Count == 0 || Volatile.Read(ref _started) != 1)
            {
                return;
            }

            _provider = FindOrAddProvider(_configuration);
            if (_provider is null)
            {
                LogNoProvider(_logger);
            }

            _provider?.Publish(Formatted(_current));
        }
    }

    /// <summary>Stops: writes what is waiting to the store.</summary>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>A task that ends when the store has every version.</returns>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _started, 2) == 1 && _writer is not null ? _writer.CompleteAsync() : Task.CompletedTask;

    private static AdaptiveConfigurationProvider? FindOrAddProvider(IConfiguration? configuration)
    {
        if (configuration is IConfigurationRoot root && root.Providers.OfType<AdaptiveConfigurationProvider>().FirstOrDefault() is { } found)
        {
            return found;
        }

        if (configuration is IConfigurationBuilder builder and IConfigurationRoot built)
        {
            builder.AddAdaptiveConfiguration(); // a ConfigurationManager builds the new source at once
            return built.Providers.OfType<AdaptiveConfigurationProvider>().FirstOrDefault();
        }

        return null;
    }

    private async Task RestoreAsync(Storage.IStateStore store, CancellationToken cancellationToken)
    {
        List<StoredVersion> stored = [];
        foreach ((string key, string document) in await store.ListAsync(VersionCollection, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (JsonSerializer.Deserialize<StoredVersion>(document, Json) is { } version)
                {
                    stored.Add(version);
                }
            }
            catch (JsonException ex)
            {
                LogUnreadable(_logger, ex, key);
            }
        }

        if (stored.Count == 0)
        {
            _writer!.Put(VersionCollection, Key(Current.Version), StoredVersion.From(Current)); // the defaults are version 1
            return;
        }

        lock (_gate)
        {
            _history.Clear();
            foreach (StoredVersion version in stored.OrderBy(v => v.Version).TakeLast(_options.HistorySize))
            {
                var values = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach ((string name, ParameterDefinition definition) in _definitions)
                {
                    if (!version.Values.TryGetValue(name, out string? text))
                    {
                        values[name] = definition.DefaultValue;
                    }
                    else if (definition.Check(text, out object? value) is { } problem)
                    {
                        LogStoredValueRejected(_logger, version.Version, name, problem);
                        values[name] = definition.DefaultValue;
                    }
                    else
                    {
                        values[name] = value!;
                    }
                }

                _history.AddLast(new ConfigSnapshot(version.Version, version.Timestamp, version.Source, values) { Fitness = version.Fitness, Reason = version.Reason });
            }

            Volatile.Write(ref _current, _history.Last!.Value);
        }

        LogRestored(_logger, Current.Version, Current.Source);
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Configuration version {Version} ({Source}) restored from the store")]
    private static partial void LogRestored(ILogger logger, long version, ConfigSource source);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Stored configuration version {Version}: {Parameter} takes its default, as {Problem}")]
    private static partial void LogStoredValueRejected(ILogger logger, long version, string parameter, string problem);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "The stored configuration version {Key} cannot be read and is ignored")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "The app's configuration has no adaptive source and cannot take one: tuned values will not reach IOptionsMonitor. Call configuration.AddAdaptiveConfiguration() last.")]
    private static partial void LogNoProvider(ILogger logger);
}
