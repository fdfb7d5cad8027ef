using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.Telemetry;

namespace SelfHealing.Events;

/// <summary>
/// The default <see cref="IEventHub"/>: one pair of bounded channels per subscriber (priority and
/// best-effort). Publishing is a non-blocking write to each subscriber's channel.
/// </summary>
public sealed partial class EventHub : IEventHub, IDisposable
{
    private static readonly KeyValuePair<string, object?> PriorityTag = new(SelfHealingMeter.DeliveryTag, "priority");
    private static readonly KeyValuePair<string, object?> BestEffortTag = new(SelfHealingMeter.DeliveryTag, "best-effort");

    private readonly Lock _gate = new();
    private readonly EventHubOptions _options;
    private readonly ILogger _logger;
    private readonly SelfHealingInstrumentation _instrumentation;
    private readonly TimeProvider _time;
    private EventSubscription[] _subscriptions = [];
    private long _droppedByRemoved;
    private bool _completed;

    /// <summary>Creates a hub with default options and no logging.</summary>
    public EventHub()
        : this(Options.Create(new EventHubOptions()), NullLogger<EventHub>.Instance)
    {
    }

    /// <summary>Creates a hub.</summary>
    /// <param name="options">The hub's options.</param>
    /// <param name="logger">Where dropped priority events are reported.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A capacity is out of its allowed range; the message names it.</exception>
    public EventHub(IOptions<EventHubOptions> options, ILogger<EventHub> logger)
        : this(options, logger, SelfHealingInstrumentation.Shared)
    {
    }

    internal EventHub(IOptions<EventHubOptions> options, ILogger<EventHub> logger, SelfHealingInstrumentation instrumentation, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        EventHubOptionsValidator.ThrowIfInvalid(_options);
        _logger = logger;
        _instrumentation = instrumentation;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public long DroppedCount
    {
        get
        {
            long total = 0;
            foreach (EventSubscription s in Volatile.Read(ref _subscriptions))
            {
                total += s.DroppedCount;
            }

            return total + Interlocked.Read(ref _droppedByRemoved);
        }
    }

    /// <summary>Gets the number of current subscriptions.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <inheritdoc />
    public bool Publish(SelfHealingEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _completed))
        {
            return false;
        }

        foreach (EventSubscription subscription in Volatile.Read(ref _subscriptions))
        {
            bool accepted;
            try
            {
                accepted = subscription.Accepts(message);
            }
#pragma warning disable CA1031 // A subscriber's filter must not stop the event from reaching the others.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                FilterFailed(subscription, message, exception);
                continue;
            }

            if (accepted && !subscription.Write(message))
            {
                CountDrop(subscription, message);
                if (subscription.DropLog.TryEnter(out long held))
                {
                    LogPriorityEventDropped(_logger, message.GetType().Name, message.Source, subscription.Name, _options.PriorityCapacity, held);
                }
            }
        }

        return true;
    }

    // Not delivered to that subscriber (its filter could not say it wanted the event), counted as a drop, logged once a minute.
    private void FilterFailed(EventSubscription subscription, SelfHealingEvent message, Exception exception)
    {
        subscription.CountFilterFailure();
        CountDrop(subscription, message);
        if (subscription.FilterLog.TryEnter(out long held))
        {
            LogFilterFailed(_logger, exception, subscription.Name, message.GetType().Name, message.Source, held);
        }
    }

    private void CountDrop(EventSubscription subscription, SelfHealingEvent message)
    {
        if (_instrumentation.EventsDropped.Enabled)
        {
            _instrumentation.EventsDropped.Add(
                1,
                message.Delivery == EventDelivery.Priority ? PriorityTag : BestEffortTag,
                new KeyValuePair<string, object?>(SelfHealingMeter.SubscriptionTag, subscription.Name));
        }
    }

    /// <inheritdoc />
    public EventSubscription Subscribe(string name, Func<SelfHealingEvent, bool>? filter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var subscription = new EventSubscription(name, filter, _options.BestEffortCapacity, _options.PriorityCapacity, Unsubscribe, OnBestEffortDropped, _time);
        lock (_gate)
        {
            if (_completed)
            {
                throw new InvalidOperationException("The event hub has been completed; no new subscription can be made.");
            }

            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    /// <summary>
    /// Completes the hub: no further events are accepted, and every subscription's reader completes once
    /// its queued events have been read.
    /// </summary>
    public void Complete()
    {
        EventSubscription[] subscriptions;
        lock (_gate)
        {
            _completed = true;
            subscriptions = _subscriptions;
        }

        foreach (EventSubscription subscription in subscriptions)
        {
            subscription.Complete();
        }
    }

    /// <summary>Completes the hub.</summary>
    public void Dispose() => Complete();

    private void OnBestEffortDropped(EventSubscription subscription)
    {
        if (_instrumentation.EventsDropped.Enabled)
        {
            _instrumentation.EventsDropped.Add(1, BestEffortTag, new KeyValuePair<string, object?>(SelfHealingMeter.SubscriptionTag, subscription.Name));
        }
    }

    private void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_subscriptions, subscription);
            if (index < 0)
            {
                return;
            }

            var copy = new EventSubscription[_subscriptions.Length - 1];
            Array.Copy(_subscriptions, 0, copy, 0, index);
            Array.Copy(_subscriptions, index + 1, copy, index, copy.Length - index);
            _subscriptions = copy;
            Interlocked.Add(ref _droppedByRemoved, subscription.DroppedCount);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "Dropped priority event {EventType} from {Source} for subscriber {Subscriber}: its buffer of {Capacity} events is full; the subscriber is not reading ({Held} more dropped for it since the last such line, which comes at most once a minute)")]
    private static partial void LogPriorityEventDropped(ILogger logger, string eventType, string source, string subscriber, int capacity, long held);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error,
        Message = "The filter of subscriber {Subscriber} threw for event {EventType} from {Source}; the event was not delivered to it, the other subscribers got it ({Held} more since the last such line, which comes at most once a minute)")]
    private static partial void LogFilterFailed(ILogger logger, Exception exception, string subscriber, string eventType, string source, long held);
}
