using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Optimization;

namespace SelfHealing.Dashboard;

/// <summary>
/// Reads every event on the hub from the app's start: keeps what the components do not keep themselves (each
/// breaker's recent transitions, the optimizer's generations, a feed of recent events) and passes each event on to
/// the pages that are open.
/// </summary>
internal sealed partial class DashboardRecorder : IHostedService, IAsyncDisposable
{
    private const int ClientBuffer = 256;
    private readonly IEventHub _hub;
    private readonly DashboardOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<BreakerTransition>> _transitions = new(StringComparer.Ordinal);
    private readonly Queue<GenerationPoint> _generations = new();
    private readonly Queue<DashboardEvent> _events = new();
    private readonly List<Channel<DashboardEvent>> _clients = [];
    private EventSubscription? _subscription;
    private Task _reading = Task.CompletedTask;
    private long _sequence;

    private readonly ILogger _logger;

    public DashboardRecorder(IEventHub hub, IOptions<DashboardOptions> options, TimeProvider time, ILogger<DashboardRecorder>? logger = null, DashboardApprovals? approvals = null)
    {
        _hub = hub;
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (approvals is not null)
        {
            approvals.Changed += () => Broadcast(new DashboardEvent(
                Interlocked.Increment(ref _sequence), "ApprovalsChanged", time.GetUtcNow(), "dashboard", null, "a recovery waits for approval, or stopped waiting"));
        }
    }

    /// <summary>Gets how many pages are connected to the live stream.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_subscription is null)
        {
            _subscription = _hub.Subscribe("dashboard");
            _reading = Task.Run(() => ReadAsync(_subscription), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        EventSubscription? subscription = _subscription;
        subscription?.Dispose();
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (Channel<DashboardEvent> client in _clients)
            {
                client.Writer.TryComplete();
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Connects a page: it receives every event recorded from now on (the oldest dropped when it lags).</summary>
    public ChannelReader<DashboardEvent> Connect(CancellationToken disconnected)
    {
        var channel = Channel.CreateBounded<DashboardEvent>(new BoundedChannelOptions(ClientBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _clients.Add(channel);
        }

        disconnected.Register(() =>
        {
            lock (_gate)
            {
                _clients.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public IReadOnlyList<BreakerTransition> TransitionsOf(string breaker)
    {
        lock (_gate)
        {
            return _transitions.TryGetValue(breaker, out Queue<BreakerTransition>? recent) ? [.. recent.Reverse()] : [];
        }
    }

    public IReadOnlyList<GenerationPoint> Generations
    {
        get
        {
            lock (_gate)
            {
                return [.. _generations];
            }
        }
    }

    public IReadOnlyList<DashboardEvent> RecentEvents
    {
        get
        {
            lock (_gate)
            {
                return [.. _events.Reverse()];
            }
        }
    }

    /// <summary>Records one event and passes it on (tests feed it events directly).</summary>
    internal void Record(SelfHealingEvent e)
    {
        DashboardEvent item = DashboardEvents.Describe(e, Interlocked.Increment(ref _sequence));
        lock (_gate)
        {
            switch (e)
            {
                case CircuitStateChanged changed:
                    if (!_transitions.TryGetValue(changed.CircuitName, out Queue<BreakerTransition>? recent))
                    {
                        recent = new Queue<BreakerTransition>();
                        _transitions[changed.CircuitName] = recent;
                    }

                    Keep(recent, new BreakerTransition(changed.Timestamp, changed.PreviousState.ToString(), changed.State.ToString(), changed.Cause.ToString(), changed.Reason), _options.TransitionsPerBreaker);
                    break;
                case ConfigurationPromoted promoted:
                    Keep(_generations, new GenerationPoint(promoted.Generation, promoted.Timestamp, JsonNumbers.OrNull(promoted.Fitness), JsonNumbers.OrNull(promoted.MeanFitness), promoted.Snapshot.Version), _options.GenerationHistory);
                    break;
            }

            if (_options.EventHistory > 0)
            {
                Keep(_events, item, _options.EventHistory);
            }
        }

        Broadcast(item);
    }

    private void Broadcast(DashboardEvent item)
    {
        lock (_gate)
        {
            foreach (Channel<DashboardEvent> client in _clients)
            {
                client.Writer.TryWrite(item);
            }
        }
    }

    private static void Keep<T>(Queue<T> queue, T item, int capacity)
    {
        queue.Enqueue(item);
        while (queue.Count > capacity)
        {
            queue.Dequeue();
        }
    }

    private async Task ReadAsync(EventSubscription subscription)
    {
        try
        {
            await foreach (SelfHealingEvent e in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    Record(e);
                }
#pragma warning disable CA1031 // one event the page cannot show must not stop the page's feed
                catch (Exception failure)
#pragma warning restore CA1031
                {
                    LogRecordFailed(_logger, e.GetType().Name, failure);
                }
            }
        }
        catch (ChannelClosedException)
        {
            // the hub completed: the host is stopping
        }
    }

    [LoggerMessage(EventId = 11001, Level = LogLevel.Warning, Message = "The dashboard could not record a {EventType}; the page's feed goes on without it")]
    private static partial void LogRecordFailed(ILogger logger, string eventType, Exception exception);
}
