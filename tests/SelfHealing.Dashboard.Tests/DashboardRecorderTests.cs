using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Optimization;

namespace SelfHealing.Dashboard.Tests;

public sealed class DashboardRecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Keeps_the_newest_transitions_per_breaker_the_generations_and_a_bounded_feed()
    {
        var time = new FakeTimeProvider(Start);
        await using var recorder = new DashboardRecorder(
            new NoHub(),
            Options.Create(new DashboardOptions { TransitionsPerBreaker = 3, EventHistory = 4 }),
            time);
        using var page = new CancellationTokenSource();
        var stream = recorder.Connect(page.Token);

        CircuitState[] states = [CircuitState.Open, CircuitState.HalfOpen, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed];
        CircuitState previous = CircuitState.Closed;
        for (int i = 0; i < states.Length; i++)
        {
            recorder.Record(new CircuitStateChanged("payments", Start.AddSeconds(i), "payments", previous, states[i], CircuitTransitionCause.FailureRatio, 0.5, null, default));
            previous = states[i];
        }

        var snapshot = new ConfigSnapshot(7, Start, ConfigSource.Optimizer, new Dictionary<string, object>());
        recorder.Record(new ConfigurationPromoted("optimizer", Start.AddSeconds(9), snapshot, 2, 0.8) { MeanFitness = 0.5 });

        recorder.TransitionsOf("payments").Select(t => t.To).Should().Equal(["Closed", "HalfOpen", "Open"], "the newest first, three kept");
        recorder.TransitionsOf("unknown").Should().BeEmpty();
        recorder.Generations.Should().ContainSingle().Which.Should().Be(new GenerationPoint(2, Start.AddSeconds(9), 0.8, 0.5, 7));
        recorder.RecentEvents.Select(e => e.Type).Should().Equal(["ConfigurationPromoted", "CircuitStateChanged", "CircuitStateChanged", "CircuitStateChanged"]);
        recorder.RecentEvents[1].Text.Should().Be("HalfOpen -> Closed (FailureRatio): " + recorder.TransitionsOf("payments")[0].Reason);

        var received = new List<DashboardEvent>();
        while (stream.TryRead(out DashboardEvent? e))
        {
            received.Add(e);
        }

        received.Select(e => e.Sequence).Should().Equal([1, 2, 3, 4, 5, 6], "a connected page gets every event, in order");
        await page.CancelAsync();
        recorder.Clients.Should().Be(0, "a page that went away is forgotten");
    }

    private sealed class NoHub : IEventHub
    {
        public long DroppedCount => 0;

        public bool Publish(SelfHealingEvent message) => true;

        public EventSubscription Subscribe(string name, Func<SelfHealingEvent, bool>? filter = null) => throw new NotSupportedException();
    }
}
