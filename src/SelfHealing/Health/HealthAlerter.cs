using Microsoft.Extensions.Logging;
using SelfHealing.Events;

namespace SelfHealing.Health;

/// <summary>
/// Keeps the active alerts (one per condition key), turns raise and resolve requests into Raised, Updated and
/// Resolved notifications without repeats, and delivers each to the sinks whose route matches, every sink
/// from its own bounded queue (a full queue drops its oldest alert, logged) and its own loop.
/// </summary>
internal sealed partial class HealthAlerter
{
    private readonly Dictionary<string, HealthAlert> _active = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Outlet[] _outlets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HealthAlerter(IEnumerable<HealthAlertSinkRegistration> sinks, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _outlets = [.. sinks.Select(s => new Outlet(this, s))];
    }

    public IReadOnlyList<HealthAlert> Active
    {
        get
        {
            lock (_gate)
            {
                return [.. _active.Values.OrderBy(a => a.Key, StringComparer.Ordinal)];
            }
        }
    }

    public void Start()
    {
        foreach (Outlet outlet in _outlets)
        {
            outlet.Start();
        }
    }

    /// <summary>Raises the condition, or updates it when its severity changed; nothing while it lasts unchanged.</summary>
    /// <returns>Whether the condition is new.</returns>
    public bool Raise(string key, string component, AlertKind kind, AlertSeverity severity, string message, string? metric = null)
    {
        HealthAlert alert;
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            bool active = _active.TryGetValue(key, out HealthAlert? current);
            if (active && current!.Severity == severity)
            {
                return false;
            }

            alert = new HealthAlert(key, component, kind, severity, active ? AlertState.Updated : AlertState.Raised, message, active ? current!.RaisedAt : now, now)
            {
                Metric = metric,
            };
            _active[key] = alert;
            Deliver(alert);
            return !active;
        }
    }

    /// <summary>Resolves the condition if it is active.</summary>
    public void Resolve(string key, string message)
    {
        lock (_gate)
        {
            if (_active.Remove(key, out HealthAlert? current))
            {
                Deliver(current with { State = AlertState.Resolved, Message = message, Timestamp = _time.GetUtcNow() });
            }
        }
    }

    /// <summary>Delivers what is queued, then stops; when <paramref name="cancellationToken"/> fires, sinks are cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.WhenAll(_outlets.Select(o => o.CompleteAsync(cancellationToken)));

    // Under _gate, so every sink sees a condition's notifications in order.
    private void Deliver(HealthAlert alert)
    {
        foreach (Outlet outlet in _outlets)
        {
            outlet.Offer(alert);
        }
    }

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Alert sink {Sink} failed to deliver {Key} ({Held} more failures since the last such line, which comes at most once a minute)")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string sink, string key, long held);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Alert sink {Sink} is behind: alert {Key} dropped from its full queue ({Held} more dropped since the last such line, which comes at most once a minute)")]
    private static partial void LogDropped(ILogger logger, string sink, string key, long held);

    private sealed class Outlet
    {
        private readonly HealthAlertRoute _route;
        private readonly SinkQueue<HealthAlert> _queue;

        public Outlet(HealthAlerter owner, HealthAlertSinkRegistration registration)
        {
            _route = registration.Route;
            string sink = registration.Sink.GetType().Name;
            _queue = new SinkQueue<HealthAlert>(
                registration.Sink.SendAsync,
                (ex, alert, held) => LogSinkFailed(owner._logger, ex, sink, alert.Key, held),
                (alert, held) => LogDropped(owner._logger, sink, alert.Key, held),
                owner._time);
        }

        public void Start() => _queue.Start();

        public void Offer(HealthAlert alert)
        {
            if (_route.Matches(alert))
            {
                _queue.Offer(alert);
            }
        }

        public Task CompleteAsync(CancellationToken stopping) => _queue.CompleteAsync(stopping);
    }
}
