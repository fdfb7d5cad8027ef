using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Events;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;

namespace SelfHealing.Tests.TestSupport;

/// <summary>A metrics collector on a fake clock, with no process sampling or default instruments unless asked.</summary>
internal sealed class CollectorHarness : IDisposable
{
    public CollectorHarness(Action<MetricsCollectorOptions>? configure = null, ILogger<MetricsCollector>? logger = null)
    {
        var options = new MetricsCollectorOptions { CollectProcessMetrics = false, IncludeDefaultInstruments = false };
        configure?.Invoke(options);
        Time = new FakeTimeProvider();
        Hub = new EventHub();
        Events = Hub.Subscribe("harness");
        Collector = new MetricsCollector(Options.Create(options), Time, Hub, logger, SelfHealingInstrumentation.Shared);
    }

    public FakeTimeProvider Time { get; }

    public EventHub Hub { get; }

    public EventSubscription Events { get; }

    public MetricsCollector Collector { get; }

    /// <summary>Moves the clock by whole seconds, one at a time, so every bucket boundary fires.</summary>
    public void AdvanceSeconds(int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    public List<T> Drain<T>()
    {
        var found = new List<T>();
        while (Events.Reader.TryRead(out SelfHealingEvent? e))
        {
            if (e is T t)
            {
                found.Add(t);
            }
        }

        return found;
    }

    public void Dispose()
    {
        Collector.Dispose();
        Hub.Dispose();
    }
}
