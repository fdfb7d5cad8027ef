using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    // Writes waiting for the writer, by document: the latest value of each (an incident, statistics, or null to
    // delete) replaces an earlier one not written yet, so a burst of changes costs one write.
    private readonly ConcurrentDictionary<(string Collection, string Key), object?> _dirty = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private Task _writer = Task.CompletedTask;

    /// <summary>
    /// Learns from an incident handled elsewhere (by a person, or by a run whose learning was off): each of its
    /// attempts is added to the statistics of its failure type and strategy. An incident is learned from once.
    /// </summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Cancels storing the statistics.</param>
    /// <returns>Whether the incident was new to the statistics.</returns>
    public async ValueTask<bool> LearnFromIncidentAsync(Incident incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        lock (_learned)
        {
            if (!_learned.Add(incident.Id))
            {
                return false;
            }
        }

        foreach (RecoveryAttempt attempt in incident.Attempts)
        {
            await LearnAsync(incident.FailureType, attempt, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private ValueTask LearnAsync(string failureType, RecoveryAttempt attempt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StrategyStatistics updated = _statistics.AddOrUpdate(
            (failureType, attempt.Strategy),
            static (key, a) => new StrategyStatistics(key.FailureType, key.Strategy, 0, 0, TimeSpan.Zero).Add(a.Succeeded, a.Duration),
            static (_, current, a) => current.Add(a.Succeeded, a.Duration),
            attempt);
        Persist(StatisticsCollection, $"{failureType}/{attempt.Strategy}", updated);
        return ValueTask.CompletedTask;
    }

    private void Persist(Incident incident, bool delete) => Persist(IncidentCollection, incident.Id, delete ? null : incident);

    private void Persist(string collection, string key, object? value)
    {
        _dirty[(collection, key)] = value;
        _wake.Writer.TryWrite(true);
    }

    // Statistics come back as they were; closed incidents fill the history; an incident left open by a process
    // that stopped is closed as escalated, with the reason, and stored so.
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach ((string key, string document) in await _store.ListAsync(StatisticsCollection, cancellationToken).ConfigureAwait(false))
        {
            if (Read<StrategyStatistics>(StatisticsCollection, key, document) is { } statistics)
            {
                _statistics[(statistics.FailureType, statistics.Strategy)] = statistics;
            }
        }

        List<Incident> incidents = [];
        foreach ((string key, string document) in await _store.ListAsync(IncidentCollection, cancellationToken).ConfigureAwait(false))
        {
            if (Read<Incident>(IncidentCollection, key, document) is { } incident)
            {
                incidents.Add(incident);
            }
        }

        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (Incident incident in incidents.OrderBy(i => i.OpenedAt))
            {
                Incident closed = incident.IsClosed ? incident : incident with
                {
                    Status = IncidentStatus.Escalated,
                    UpdatedAt = now,
                    ClosedAt = now,
                    Timeline = [.. incident.Timeline, new IncidentEntry(now, "escalation", "the process stopped before the recovery ended.")],
                };
                _closed.AddLast(closed);
                _learned.Add(closed.Id);
                if (!incident.IsClosed)
                {
                    Persist(closed, delete: false);
                }
            }

            while (_closed.Count > Options.IncidentHistory)
            {
                Persist(_closed.First!.Value, delete: true);
                _closed.RemoveFirst();
            }
        }

        _writer = Task.Run(WriteAsync, CancellationToken.None);
    }

    private T? Read<T>(string collection, string key, string document)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(document, Json);
        }
        catch (JsonException ex)
        {
            LogUnreadable(_logger, ex, collection, key);
            return null;
        }
    }

    // One writer: whatever is dirty when it wakes, each document's latest value.
    private async Task WriteAsync()
    {
        await foreach (bool _ in _wake.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await FlushAsync().ConfigureAwait(false);
        }

        await FlushAsync().ConfigureAwait(false); // what came with the last wake-up
    }

    private async Task FlushAsync()
    {
        foreach ((string collection, string key) in _dirty.Keys)
        {
            if (!_dirty.TryRemove((collection, key), out object? value))
            {
                continue;
            }

            try
            {
                if (value is null)
                {
                    await _store.DeleteAsync(collection, key).ConfigureAwait(false);
                }
                else
                {
                    await _store.PutAsync(collection, key, JsonSerializer.Serialize(value, value.GetType(), Json)).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // A store that fails loses this write, logged; recovery goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogStoreFailed(_logger, ex, collection, key);
            }
        }
    }

    private Task CompleteWritesAsync()
    {
        _wake.Writer.TryComplete();
        return _writer;
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "The recovery of {Component} failed; its incident is escalated")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string component);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "The state store could not keep {Collection}/{Key}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string collection, string key);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The stored document {Collection}/{Key} cannot be read and is ignored")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string collection, string key);
}
