using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Events;
using SelfHealing.Telemetry;

namespace SelfHealing.Tests.Events;

public sealed class EventHubTests
{
    private sealed record Telemetry(int N) : SelfHealingEvent("test", DateTimeOffset.UnixEpoch);

    private sealed record Important(int N) : SelfHealingEvent("test", DateTimeOffset.UnixEpoch)
    {
        public override EventDelivery Delivery => EventDelivery.Priority;
    }

    private static EventHub Create(int bestEffort = 4, int priority = 4, ILogger<EventHub>? logger = null) =>
        new(Options.Create(new EventHubOptions { BestEffortCapacity = bestEffort, PriorityCapacity = priority }), logger ?? new FakeLogger<EventHub>());

    [Fact]
    public async Task Every_subscriber_gets_every_event_in_order()
    {
        using EventHub hub = Create(bestEffort: 100);
        using EventSubscription a = hub.Subscribe("a");
        using EventSubscription b = hub.Subscribe("b");
        for (int i = 0; i < 10; i++)
        {
            hub.Publish(new Telemetry(i)).Should().BeTrue();
        }

        hub.Complete();
        (await ReadAll(a)).Should().Equal(Enumerable.Range(0, 10).Select(i => new Telemetry(i)));
        (await ReadAll(b)).Should().HaveCount(10);
    }

    [Fact]
    public async Task Lagging_subscriber_loses_the_oldest_telemetry_and_counts_it_but_keeps_priority_events()
    {
        using EventHub hub = Create(bestEffort: 3, priority: 100);
        using EventSubscription slow = hub.Subscribe("slow");
        for (int i = 0; i < 10; i++)
        {
            hub.Publish(new Telemetry(i));
            hub.Publish(new Important(i));
        }

        slow.DroppedCount.Should().Be(7);
        hub.DroppedCount.Should().Be(7);
        hub.Complete();
        List<SelfHealingEvent> read = await ReadAll(slow);
        read.OfType<Important>().Select(e => e.N).Should().Equal(Enumerable.Range(0, 10));
        read.OfType<Telemetry>().Select(e => e.N).Should().Equal(7, 8, 9);
        read.Take(10).Should().AllBeOfType<Important>("priority events are read first");
    }

    [Fact]
    public void Priority_overflow_is_logged_as_an_error_once_a_minute_with_the_count_and_every_drop_counted()
    {
        var logger = new FakeLogger<EventHub>();
        var time = new FakeTimeProvider();
        using var hub = new EventHub(Options.Create(new EventHubOptions { PriorityCapacity = 2 }), logger, SelfHealingInstrumentation.Shared, time);
        using EventSubscription stuck = hub.Subscribe("stuck");
        for (int i = 0; i < 10_002; i++)
        {
            hub.Publish(new Important(i));
        }

        stuck.DroppedCount.Should().Be(10_000);
        logger.Collector.GetSnapshot().Should().ContainSingle("a flood of drops is one line a minute")
            .Which.Should().Match<FakeLogRecord>(r => r.Level == LogLevel.Error && r.Id.Id == 1001 && r.Message.Contains("stuck") && r.Message.Contains("(0 more dropped"));

        time.Advance(TimeSpan.FromMinutes(1));
        hub.Publish(new Important(-1));
        logger.Collector.LatestRecord.Message.Should().Contain("(9999 more dropped for it since the last such line");
        logger.Collector.Count.Should().Be(2);
    }

    [Fact]
    public async Task A_filter_that_throws_costs_only_its_own_subscriber_the_event_and_is_logged_and_counted()
    {
        var logger = new FakeLogger<EventHub>();
        using EventHub hub = Create(bestEffort: 100, priority: 100, logger: logger);
        using EventSubscription before = hub.Subscribe("before");
        using EventSubscription broken = hub.Subscribe("broken", e => e is Important { N: 1 } ? throw new InvalidOperationException("filter bug") : true);
        using EventSubscription after = hub.Subscribe("after");

        hub.Publish(new Important(0)).Should().BeTrue();
        hub.Publish(new Important(1)).Should().BeTrue("a subscriber's filter does not fail the publisher");
        hub.Publish(new Important(2)).Should().BeTrue();
        hub.Complete();

        (await ReadAll(before)).Should().HaveCount(3);
        (await ReadAll(after)).Should().HaveCount(3, "the subscribers after the broken one still get every event");
        (await ReadAll(broken)).Cast<Important>().Select(e => e.N).Should().Equal(0, 2);
        broken.DroppedCount.Should().Be(1);
        logger.Collector.GetSnapshot().Should().ContainSingle().Which.Should().Match<FakeLogRecord>(r =>
            r.Level == LogLevel.Error && r.Id.Id == 1002 && r.Message.Contains("broken") && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Filter_selects_what_a_subscriber_receives()
    {
        using EventHub hub = Create(bestEffort: 100);
        using EventSubscription evens = hub.Subscribe("evens", e => e is Telemetry { N: var n } && n % 2 == 0);
        for (int i = 0; i < 6; i++)
        {
            hub.Publish(new Telemetry(i));
        }

        hub.Complete();
        (await ReadAll(evens)).Cast<Telemetry>().Select(t => t.N).Should().Equal(0, 2, 4);
    }

    [Fact]
    public async Task Disposed_subscription_stops_receiving_and_its_reader_completes()
    {
        using EventHub hub = Create();
        EventSubscription subscription = hub.Subscribe("gone");
        hub.Publish(new Telemetry(1));
        subscription.Dispose();
        hub.SubscriberCount.Should().Be(0);
        hub.Publish(new Telemetry(2));
        (await ReadAll(subscription)).Should().Equal(new Telemetry(1));
    }

    [Fact]
    public async Task Reader_waits_for_the_next_event_of_either_kind()
    {
        using EventHub hub = Create();
        using EventSubscription s = hub.Subscribe("waiting");
        ValueTask<bool> waiting = s.Reader.WaitToReadAsync();
        waiting.IsCompleted.Should().BeFalse();
        hub.Publish(new Important(1));
        (await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        s.Reader.TryRead(out SelfHealingEvent? e).Should().BeTrue();
        e.Should().Be(new Important(1));

        waiting = s.Reader.WaitToReadAsync();
        hub.Publish(new Telemetry(2));
        (await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Fact]
    public async Task Reader_wait_honours_cancellation()
    {
        using EventHub hub = Create();
        using EventSubscription s = hub.Subscribe("cancelled");
        using var cts = new CancellationTokenSource();
        ValueTask<bool> waiting = s.Reader.WaitToReadAsync(cts.Token);
        cts.Cancel();
        Func<Task> wait = () => waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await wait.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Completed_hub_refuses_publications_and_subscriptions()
    {
        using EventHub hub = Create();
        hub.Complete();
        hub.Publish(new Telemetry(1)).Should().BeFalse();
        Action subscribe = () => hub.Subscribe("late");
        subscribe.Should().Throw<InvalidOperationException>().WithMessage("*completed*");
    }

    [Fact]
    public void Bad_arguments_and_options_are_named()
    {
        using EventHub hub = Create();
        Action publish = () => hub.Publish(null!);
        publish.Should().Throw<ArgumentNullException>().WithParameterName("message");
        Action subscribe = () => hub.Subscribe(" ");
        subscribe.Should().Throw<ArgumentException>().WithParameterName("name");
        Action create = () => Create(bestEffort: 0);
        create.Should().Throw<ArgumentException>().WithMessage("SelfHealing:Events:BestEffortCapacity is 0; allowed: 1 to 1,048,576.*");
    }

    [Fact]
    public async Task Concurrent_publishers_lose_no_priority_event()
    {
        using EventHub hub = Create(priority: 100_000);
        using EventSubscription s = hub.Subscribe("all");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                hub.Publish(new Important((p * 5000) + i));
            }
        })));
        hub.Complete();
        (await ReadAll(s)).Cast<Important>().Select(e => e.N).Order().Should().Equal(Enumerable.Range(0, 20_000));
    }

    private static async Task<List<SelfHealingEvent>> ReadAll(EventSubscription subscription)
    {
        var list = new List<SelfHealingEvent>();
        await foreach (SelfHealingEvent e in subscription.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            list.Add(e);
        }

        return list;
    }
}
