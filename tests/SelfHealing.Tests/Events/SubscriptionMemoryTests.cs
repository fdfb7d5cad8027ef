using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using SelfHealing.Events;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Events;

/// <summary>A subscriber that wakes up for every event keeps a bounded footprint, however long it listens.</summary>
[Collection(SerialTests.Name)]
public sealed class SubscriptionMemoryTests
{
    private sealed record Telemetry(int N) : SelfHealingEvent("test", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Waking_up_for_each_of_200_thousand_events_retains_no_waiters()
    {
        using var hub = new EventHub(Options.Create(new EventHubOptions()), new FakeLogger<EventHub>());
        using EventSubscription subscription = hub.Subscribe("reader");
        await WakeUpAsync(hub, subscription, 1_000); // warm-up: first allocations of the channels and the reader

        long before = GC.GetTotalMemory(forceFullCollection: true);
        await WakeUpAsync(hub, subscription, 200_000);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        // Before the fix every wake-up left a waiter queued on the idle priority channel: about 56 MB here.
        (after - before).Should().BeLessThan(4 * 1024 * 1024);
    }

    private static async Task WakeUpAsync(EventHub hub, EventSubscription subscription, int times)
    {
        for (int i = 0; i < times; i++)
        {
            ValueTask<bool> waiting = subscription.Reader.WaitToReadAsync();
            hub.Publish(new Telemetry(i));
            (await waiting).Should().BeTrue();
            subscription.Reader.TryRead(out _).Should().BeTrue();
        }
    }
}
