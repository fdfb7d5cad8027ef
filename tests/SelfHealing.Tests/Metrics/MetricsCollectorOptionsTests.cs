using SelfHealing.Metrics;

namespace SelfHealing.Tests.Metrics;

public sealed class MetricsCollectorOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        new MetricsCollectorOptionsValidator().Validate(null, new MetricsCollectorOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("BucketDuration", "SelfHealing:Metrics:BucketDuration is 00:00:00.0010000; allowed: 00:00:00.0100000 to 00:01:00.")]
    [InlineData("QuantileStep", "SelfHealing:Metrics:QuantileStep is 00:00:01.5000000; allowed: a whole multiple of BucketDuration (00:00:01), from 1 to 3,600 buckets.")]
    [InlineData("Retention", "SelfHealing:Metrics:Retention is 00:00:05; allowed: at least QuantileStep (00:00:10) and at most 100,000 buckets of 00:00:01.")]
    [InlineData("RelativeAccuracy", "SelfHealing:Metrics:RelativeAccuracy is 0.5; allowed: 0.001 to 0.1.")]
    [InlineData("MaxSeriesPerMetric", "SelfHealing:Metrics:MaxSeriesPerMetric is 2000; allowed: 1 to 1,000.")]
    [InlineData("Instruments", "SelfHealing:Metrics:Instruments:0 is a/b/c; allowed: one meter pattern, optionally followed by a slash and one instrument pattern (for example System.Net.Http/http.client.*).")]
    [InlineData("Anomalies", "SelfHealing:Metrics:Anomalies:Threshold is 0; allowed: greater than 0 and at most 1.")]
    [InlineData("PublishedQuantileRange", "SelfHealing:Metrics:PublishedQuantileRange is 01:00:00; allowed: BucketDuration (00:00:01) to Retention (00:15:00).")]
    public void Each_bad_option_is_named_with_its_value_and_range(string option, string message)
    {
        var options = new MetricsCollectorOptions();
        switch (option)
        {
            case "BucketDuration": options.BucketDuration = TimeSpan.FromMilliseconds(1); break;
            case "QuantileStep": options.QuantileStep = TimeSpan.FromSeconds(1.5); break;
            case "Retention": options.Retention = TimeSpan.FromSeconds(5); options.PublishedQuantileRange = TimeSpan.FromSeconds(5); break;
            case "RelativeAccuracy": options.RelativeAccuracy = 0.5; break;
            case "MaxSeriesPerMetric": options.MaxSeriesPerMetric = 2_000; break;
            case "Instruments": options.Instruments.Add("a/b/c"); break;
            case "Anomalies": options.Anomalies.Threshold = 0; break;
            case "PublishedQuantileRange": options.PublishedQuantileRange = TimeSpan.FromHours(1); break;
        }

        var result = new MetricsCollectorOptionsValidator().Validate(null, options);
        result.Failures.Should().Equal(message);
        Action create = () => _ = new MetricsCollector(options);
        create.Should().Throw<ArgumentException>().WithMessage(message + " (Parameter 'options')").And.ParamName.Should().Be("options");
    }

    [Fact]
    public void The_collector_copies_its_options()
    {
        var options = new MetricsCollectorOptions { CollectProcessMetrics = false, IncludeDefaultInstruments = false };
        using var collector = new MetricsCollector(options);
        options.Instruments.Add("a/b/c"); // would be invalid; the collector keeps what it was given
        options.MaxSeries = 0;
        collector.Counter("c").Add(1);
        collector.SeriesCount.Should().Be(1);
    }
}
