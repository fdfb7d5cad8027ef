using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

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

    private void Persist(string collection, string key, object? value) => _writer.Put(collection, key, value);

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

        _writer.Start();
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

    private Task CompleteWritesAsync() => _writer.CompleteAsync();

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "The recovery of {Component} failed; its incident is escalated")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string component);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "The state store could not keep {Collection}/{Key}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string collection, string key);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The stored document {Collection}/{Key} cannot be read and is ignored")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string collection, string key);
}
