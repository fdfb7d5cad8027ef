using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SelfHealing.Metrics;
using SelfHealing.Telemetry;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics;

public sealed class MetricsCollectorInputsTests
{
    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public async Task Instruments_matching_a_pattern_feed_the_collector_by_kind()
    {
        string meterName = $"Tests.Inputs.{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        using var h = new CollectorHarness(o => o.Instruments.Add($"{meterName}/app.*"));
        await h.Collector.StartAsync(CancellationToken.None);

        Counter<long> requests = meter.CreateCounter<long>("app.requests");
        Histogram<double> duration = meter.CreateHistogram<double>("app.duration", "s");
        UpDownCounter<int> active = meter.CreateUpDownCounter<int>("app.active");
        long total = 0;
        meter.CreateObservableCounter("app.bytes", () => total);
        meter.CreateObservableGauge("app.temperature", () => new Measurement<double>(40.5, Tag("zone", "a")));
        Counter<long> ignored = meter.CreateCounter<long>("other.requests");

        requests.Add(3, Tag("route", "/a"));
        requests.Add(2, Tag("route", "/b"));
        duration.Record(0.25);
        duration.Record(0.75);
        active.Add(5);
        active.Add(-2);
        ignored.Add(100);
        total = 1_000;
        h.AdvanceSeconds(1); // the first observation of a running total is its baseline
        total = 1_600;
        h.AdvanceSeconds(1);
        total = 1_700;
        h.AdvanceSeconds(1);

        TimeSpan range = TimeSpan.FromMinutes(1);
        AggregatedMetric r = await h.Collector.AggregateAsync("app.requests", range);
        (r.Type, r.Sum).Should().Be((MetricType.Counter, 5.0));
        (await h.Collector.AggregateAsync("app.requests", range, MetricTags.From(Tag("route", "/b")))).Sum.Should().Be(2);
        AggregatedMetric d = await h.Collector.AggregateAsync("app.duration", range);
        (d.Type, d.Count, d.Sum).Should().Be((MetricType.Histogram, 2L, 1.0));
        AggregatedMetric a = await h.Collector.AggregateAsync("app.active", range);
        (a.Type, a.Max, a.Min).Should().Be((MetricType.Gauge, 5.0, 3.0), "an up-down counter becomes its running level");
        AggregatedMetric bytes = await h.Collector.AggregateAsync("app.bytes", range);
        (bytes.Type, bytes.Sum).Should().Be((MetricType.Counter, 700.0), "running totals become increases");
        AggregatedMetric t = await h.Collector.AggregateAsync("app.temperature", range, MetricTags.From(Tag("zone", "a")));
        (t.Type, t.Average, t.Count).Should().Be((MetricType.Gauge, 40.5, 3L));
        h.Collector.MetricNames.Should().NotContain("other.requests");

        await h.Collector.StopAsync(CancellationToken.None);
        requests.Add(10);
        (await h.Collector.AggregateAsync("app.requests", range)).Sum.Should().Be(5, "stopping releases the listener");
    }

    [Fact]
    public async Task Breaker_calls_are_counted_whole_from_the_first_bucket_and_breakers_sharing_a_name_are_one_series()
    {
        using var h = new CollectorHarness(o => { o.IncludeDefaultInstruments = true; o.Instruments.Add(SelfHealingMeter.Name); });
        await h.Collector.StartAsync(CancellationToken.None);
        string name = "shared-" + Guid.NewGuid().ToString("N");
        using var first = new SelfHealing.CircuitBreakers.CircuitBreaker(name, new(), h.Time);
        using var second = new SelfHealing.CircuitBreakers.CircuitBreaker(name, new(), h.Time);
        for (int i = 0; i < 3; i++)
        {
            await first.ExecuteAsync(_ => ValueTask.FromResult(1));
        }

        await second.ExecuteAsync(_ => ValueTask.FromResult(1));
        await second.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
        h.AdvanceSeconds(1);
        await first.ExecuteAsync(_ => ValueTask.FromResult(1));
        h.AdvanceSeconds(1);

        MetricTags Outcome(string outcome) => MetricTags.From(Tag(SelfHealingMeter.CircuitNameTag, name), Tag(SelfHealingMeter.OutcomeTag, outcome));
        AggregatedMetric successes = await h.Collector.AggregateAsync(SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), Outcome("success"));
        AggregatedMetric failures = await h.Collector.AggregateAsync(SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), Outcome("failure"));
        successes.Sum.Should().Be(5, "both breakers' calls, the first bucket's included");
        failures.Sum.Should().Be(1);
        (await h.Collector.AggregateAsync(SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), MetricTags.From(Tag(SelfHealingMeter.CircuitNameTag, name))))
            .Sum.Should().Be(6);
    }

    [Fact]
    public async Task Breakers_feed_the_collector_by_default_and_its_own_outputs_are_never_read_back()
    {
        using var h = new CollectorHarness(o => { o.IncludeDefaultInstruments = true; o.Instruments.Add(SelfHealingMeter.Name); });
        await h.Collector.StartAsync(CancellationToken.None);
        h.Collector.Histogram("own.latency").Record(1);
        using var breaker = new SelfHealing.CircuitBreakers.CircuitBreaker("inputs-test", new(), h.Time);
        await breaker.ExecuteAsync(_ => ValueTask.FromResult(1));
        h.AdvanceSeconds(1);

        AggregatedMetric calls = await h.Collector.AggregateAsync(
            SelfHealingMeter.CircuitCalls, TimeSpan.FromMinutes(1), MetricTags.From(Tag(SelfHealingMeter.CircuitNameTag, "inputs-test")));
        calls.Sum.Should().Be(1);
        h.Collector.MetricNames.Should().NotContain(n => n.StartsWith("selfhealing.metrics.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quantiles_of_api_series_are_published_through_the_SelfHealing_meter()
    {
        using var h = new CollectorHarness();
        MetricHistogram latency = h.Collector.Histogram($"published.{Guid.NewGuid():N}");
        for (int i = 1; i <= 100; i++)
        {
            latency.Record(i, Tag("db", "orders"));
        }

        using var collector = new MetricCollector<double>(null, SelfHealingMeter.Name, SelfHealingMeter.MetricsQuantile);
        collector.RecordObservableInstruments();
        var mine = collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue(SelfHealingMeter.MetricNameTag, out object? name) && (string?)name == latency.Name)
            .ToList();
        mine.Should().HaveCount(3);
        mine.Should().OnlyContain(m => (string?)m.Tags["db"] == "orders");
        mine.Single(m => (string?)m.Tags[SelfHealingMeter.QuantileTag] == "0.95").Value.Should().BeApproximately(95, 1);
    }

    [Fact]
    public async Task Process_metrics_are_sampled_at_every_bucket()
    {
        using var h = new CollectorHarness(o => o.CollectProcessMetrics = true);
        await h.Collector.StartAsync(CancellationToken.None);
        h.AdvanceSeconds(3);

        TimeSpan range = TimeSpan.FromMinutes(1);
        (await h.Collector.AggregateAsync(ProcessMetricNames.WorkingSet, range)).Min.Should().BeGreaterThan(1_000_000);
        (await h.Collector.AggregateAsync(ProcessMetricNames.GcHeapSize, range)).Count.Should().Be(3);
        (await h.Collector.AggregateAsync(ProcessMetricNames.ThreadPoolThreads, range)).Max.Should().BeGreaterThan(0);
        (await h.Collector.AggregateAsync(ProcessMetricNames.ThreadPoolQueueLength, range)).Min.Should().BeGreaterThanOrEqualTo(0);
        (await h.Collector.AggregateAsync(ProcessMetricNames.CpuUtilization, range)).Count.Should().Be(3);
        (await h.Collector.AggregateAsync(ProcessMetricNames.ThreadPoolSchedulingDelay, range)).Count.Should().Be(3);

        for (int i = 0; i < 5; i++)
        {
            try
            {
                throw new InvalidOperationException("counted");
            }
            catch (InvalidOperationException)
            {
            }
        }

        h.AdvanceSeconds(1);
        (await h.Collector.AggregateAsync(ProcessMetricNames.Exceptions, range)).Sum.Should().BeGreaterThanOrEqualTo(5);
    }
}
