using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SelfHealing.Metrics;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics;

/// <summary>Names and tags too large to keep are refused or sent to the overflow series, counted and logged once: memory cannot grow with them.</summary>
public sealed class SizeLimitTests
{
    [Fact]
    public void A_name_over_the_limit_is_refused_for_a_handle_and_dropped_for_a_value()
    {
        var logger = new FakeLogger<MetricsCollector>();
        using var h = new CollectorHarness(logger: logger);
        string longName = new('n', MetricsCollector.MaxNameLength + 1);

        Action handle = () => h.Collector.Counter(longName);
        handle.Should().Throw<ArgumentException>().WithMessage($"The metric name is {MetricsCollector.MaxNameLength + 1} characters long; allowed: at most {MetricsCollector.MaxNameLength}*");

        for (int i = 0; i < 400; i++)
        {
            h.Collector.RecordMetric(longName + i, 1);
        }

        h.Collector.MetricNames.Should().BeEmpty();
        h.Collector.DroppedCount.Should().Be(400);
        logger.Collector.GetSnapshot().Where(r => r.Id.Id == 3008).Should().ContainSingle().Which.Level.Should().Be(LogLevel.Warning);
        h.Collector.Counter(new string('n', MetricsCollector.MaxNameLength)).Should().NotBeNull("the limit itself is allowed");
    }

    [Fact]
    public async Task Tag_sets_with_too_many_or_too_long_tags_go_to_the_overflow_series()
    {
        var logger = new FakeLogger<MetricsCollector>();
        using var h = new CollectorHarness(logger: logger);
        MetricCounter requests = h.Collector.Counter("requests");

        for (int i = 0; i < 100; i++)
        {
            requests.Add(1, new KeyValuePair<string, object?>("route", new string('r', 200_000) + i));
        }

        KeyValuePair<string, object?>[] many = [.. Enumerable.Range(0, 10_000).Select(i => new KeyValuePair<string, object?>($"k{i}", i))];
        requests.Add(1, many);
        requests.Add(1, new KeyValuePair<string, object?>("route", new string('r', MetricsCollector.MaxTagLength)));
        h.AdvanceSeconds(1);

        h.Collector.SeriesCount.Should().Be(1, "only the tag set within the limits is a series of its own");
        (await h.Collector.AggregateAsync("requests", TimeSpan.FromMinutes(1), MetricTags.From(new KeyValuePair<string, object?>(MetricsCollector.OverflowTag, "true"))))
            .Sum.Should().Be(101, "nothing is lost: the values of refused tag sets are kept in the overflow series");
        logger.Collector.GetSnapshot().Where(r => r.Id.Id == 3001).Should().ContainSingle().Which.Message.Should().Contain("MaxTagLength (256)");
    }
}
