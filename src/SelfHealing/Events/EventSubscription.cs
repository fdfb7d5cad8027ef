using System.Threading.Channels;
using SelfHealing.Telemetry;

namespace SelfHealing.Events;

/// <summary>
/// One subscriber's view of the <see cref="IEventHub"/>: a channel reader of the events its filter accepts.
/// Priority events are read before best-effort ones; within each kind the order of publication is kept.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private readonly Channel<SelfHealingEvent> _priority;
    private readonly Channel<SelfHealingEvent> _bestEffort;
    private readonly Func<SelfHealingEvent, bool>? _filter;
    private readonly Action<EventSubscription> _onDispose;
    private readonly Action<EventSubscription> _onBestEffortDropped;
    private long _dropped;
    private int _disposed;
    private int _closed;

    internal EventSubscription(
        string name,
        Func<SelfHealingEvent, bool>? filter,
        int bestEffortCapacity,
        int priorityCapacity,
        Action<EventSubscription> onDispose,
        Action<EventSubscription> onBestEffortDropped,
        TimeProvider time)
    {
        Name = name;
        DropLog = new LogThrottle(time, LogThrottle.DefaultInterval);
        FilterLog = new LogThrottle(time, LogThrottle.DefaultInterval);
        _filter = filter;
        _onDispose = onDispose;
        _onBestEffortDropped = onBestEffortDropped;
        _priority = Channel.CreateBounded<SelfHealingEvent>(new BoundedChannelOptions(priorityCapacity)
        {
            SingleReader = false,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _bestEffort = Channel.CreateBounded<SelfHealingEvent>(
            new BoundedChannelOptions(bestEffortCapacity)
            {
                SingleReader = false,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.DropOldest,
            },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                _onBestEffortDropped(this);
            });
        Reader = new MergedReader(_priority.Reader, _bestEffort.Reader);
    }

    /// <summary>Gets the subscriber's name.</summary>
    public string Name { get; }

    /// <summary>Gets the reader of this subscription's events. It completes when the hub completes or the subscription is disposed.</summary>
    public ChannelReader<SelfHealingEvent> Reader { get; }

    /// <summary>Gets how many events were dropped for this subscriber: it read too slowly, or its filter threw.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Stops delivery to this subscription; events already queued can still be read.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _onDispose(this);
            Complete();
        }
    }

    /// <summary>Runs the subscriber's filter; an exception it throws is the caller's to handle.</summary>
    internal bool Accepts(SelfHealingEvent message) => _filter is null || _filter(message);

    /// <summary>Counts an event not delivered because the subscriber's filter threw.</summary>
    internal void CountFilterFailure() => Interlocked.Increment(ref _dropped);

    /// <summary>Gets the throttle of the log lines about priority events dropped for this subscription.</summary>
    internal LogThrottle DropLog { get; }

    /// <summary>Gets the throttle of the log lines about this subscription's filter throwing.</summary>
    internal LogThrottle FilterLog { get; }

    /// <summary>Queues an event. Returns false when a priority event could not be queued (buffer full).</summary>
    internal bool Write(SelfHealingEvent message)
    {
        if (message.Delivery == EventDelivery.Priority)
        {
            if (_priority.Writer.TryWrite(message))
            {
                return true;
            }

            // Full, or closed (hub completed, subscription disposed) concurrently with this write: only the
            // first is a drop.
            if (Volatile.Read(ref _closed) == 0)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            return true;
        }

        // DropOldest never refuses while open; the dropped item is counted by the callback.
        _bestEffort.Writer.TryWrite(message);
        return true;
    }

    internal void Complete()
    {
        Volatile.Write(ref _closed, 1);
        _priority.Writer.TryComplete();
        _bestEffort.Writer.TryComplete();
    }

    /// <summary>
    /// Reads two channels as one, priority events first. Waiting on both keeps at most one waiter queued on each
    /// channel: a waiter that did not win is kept for the next wait instead of being left behind (a channel keeps
    /// every waiter until data arrives, so a new one per wake-up piled up on the idle channel).
    /// </summary>
    private sealed class MergedReader(ChannelReader<SelfHealingEvent> first, ChannelReader<SelfHealingEvent> second)
        : ChannelReader<SelfHealingEvent>
    {
        private readonly Lock _gate = new();
        private Task<bool>? _firstWait;
        private Task<bool>? _secondWait;

        public override Task Completion { get; } = Task.WhenAll(first.Completion, second.Completion);

        public override bool CanCount => true;

        public override int Count => first.Count + second.Count;

        public override bool TryRead(out SelfHealingEvent item) =>
            first.TryRead(out item!) || second.TryRead(out item!);

        public override bool TryPeek(out SelfHealingEvent item) =>
            first.TryPeek(out item!) || second.TryPeek(out item!);

        public override async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (first.TryPeek(out _) || second.TryPeek(out _))
                {
                    return true;
                }

                bool firstDone = first.Completion.IsCompleted;
                bool secondDone = second.Completion.IsCompleted;
                if (firstDone && secondDone)
                {
                    return false;
                }

                Task<bool> a;
                Task<bool> b;
                lock (_gate)
                {
                    // Waiters are not tied to a caller's token, so one outlives a cancelled wait and is reused.
                    a = _firstWait is { IsCompleted: false } pendingFirst ? pendingFirst : _firstWait = first.WaitToReadAsync(CancellationToken.None).AsTask();
                    b = _secondWait is { IsCompleted: false } pendingSecond ? pendingSecond : _secondWait = second.WaitToReadAsync(CancellationToken.None).AsTask();
                }

                await Task.WhenAny(a, b).WaitAsync(cancellationToken).ConfigureAwait(false);

                // Loop: either data arrived or one channel completed; re-check both.
            }
        }
    }
}
