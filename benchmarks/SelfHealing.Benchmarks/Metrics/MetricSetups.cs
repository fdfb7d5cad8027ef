using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using SelfHealing.Metrics;

namespace SelfHealing.Benchmarks.Metrics;

/// <summary>The peers set up the way an application would: OpenTelemetry's SDK collecting a meter, and a SelfHealing collector.</summary>
internal static class MetricSetups
{
    /// <summary>A meter whose histograms an OpenTelemetry MeterProvider aggregates (exported to memory once a minute).</summary>
    /// <param name="exponential">Use the base-2 exponential histogram (relative-error buckets, like a sketch) instead of the default explicit buckets.</param>
    public static (Meter Meter, MeterProvider Provider) OpenTelemetry(bool exponential)
    {
        string name = $"Benchmarks.OpenTelemetry.{Guid.NewGuid():N}";
        var meter = new Meter(name);
        var exported = new List<Metric>();
        MeterProviderBuilder builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(name)
            .AddInMemoryExporter(exported, o => o.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000);
        if (exponential)
        {
            builder.AddView("*", new Base2ExponentialBucketHistogramConfiguration());
        }

        return (meter, builder.Build()!);
    }

    /// <summary>A collector on the system clock, as in production, without process sampling or default listeners.</summary>
    public static MetricsCollector SelfHealing() =>
        new(new MetricsCollectorOptions { CollectProcessMetrics = false, IncludeDefaultInstruments = false });

    /// <summary>A collector as <c>AddSelfHealing()</c> sets it up: the default instruments (the breakers' call counter among them), no process sampling.</summary>
    public static MetricsCollector SelfHealingWithBreakers() =>
        new(new MetricsCollectorOptions { CollectProcessMetrics = false, IncludeDefaultInstruments = true });

    /// <summary>Latencies in seconds, about 3 ms to 150 ms.</summary>
    public static double[] Latencies(int count)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, count).Select(_ => Math.Exp(1 + (random.NextDouble() * 4)) / 1000)];
    }
}
