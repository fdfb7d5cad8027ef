using SelfHealing.Metrics.Sketches;

using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Metrics.Sketches;

public sealed class QuantileSketchTests
{
    private static readonly double[] Quantiles = [0, 0.001, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

    public static TheoryData<string> Distributions => ["uniform", "lognormal", "exponential", "bimodal", "signed", "constant", "wide"];

    private static LogBuckets Geometry(double accuracy = 0.01) => new(accuracy, 1e-9, 1e12);

    private static double[] Sample(string distribution, Random random, int n) => distribution switch
    {
        "uniform" => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 1000)],
        "lognormal" => [.. Enumerable.Range(0, n).Select(_ => Math.Exp(3 + (1.5 * random.Normal())))],
        "exponential" => [.. Enumerable.Range(0, n).Select(_ => -Math.Log(1 - random.NextDouble()) * 20)],
        "bimodal" => [.. Enumerable.Range(0, n).Select(_ => random.Next(10) == 0 ? 500 + (50 * random.Normal()) : 5 + random.Normal())],
        "signed" => [.. Enumerable.Range(0, n).Select(_ => random.Next(20) == 0 ? 0 : 100 * random.Normal())],
        "constant" => [.. Enumerable.Repeat(42.0, n)],
        "wide" => [.. Enumerable.Range(0, n).Select(_ => Math.Pow(10, -6 + (random.NextDouble() * 15)))],
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Every_quantile_is_within_the_relative_accuracy_of_the_exact_value(string distribution)
    {
        foreach (double accuracy in new[] { 0.01, 0.02, 0.05 })
        {
            for (int seed = 1; seed <= 5; seed++)
            {
                var random = new Random(seed);
                double[] values = Sample(distribution, random, random.Next(1, 20_000));
                var sketch = new QuantileSketch(Geometry(accuracy));
                foreach (double v in values)
                {
                    sketch.Record(v).Should().BeTrue();
                }

                double[] sorted = [.. values.Order()];
                SketchSnapshot snapshot = sketch.ToSnapshot();
                snapshot.Count.Should().Be(values.Length);
                foreach (double q in Quantiles)
                {
                    double exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
                    double estimate = snapshot.Quantile(q);
                    Math.Abs(estimate - exact).Should().BeLessThanOrEqualTo(
                        (accuracy * Math.Abs(exact)) + 1e-12,
                        $"{distribution}, accuracy {accuracy}, seed {seed}, n {values.Length}, q {q}: exact {exact}, estimate {estimate}");
                }
            }
        }
    }

    [Fact]
    public void Merged_snapshots_answer_exactly_as_one_sketch_of_all_the_values()
    {
        var random = new Random(11);
        for (int round = 0; round < 50; round++)
        {
            LogBuckets geometry = Geometry();
            var whole = new QuantileSketch(geometry);
            SketchSnapshot merged = SketchSnapshot.Empty(geometry);
            for (int part = 0; part < random.Next(1, 6); part++)
            {
                var piece = new QuantileSketch(geometry);
                foreach (double v in Sample("signed", random, random.Next(0, 500)))
                {
                    piece.Record(v);
                    whole.Record(v);
                }

                merged = merged.Merge(piece.ToSnapshot());
            }

            SketchSnapshot expected = whole.ToSnapshot();
            merged.Count.Should().Be(expected.Count, $"round {round}");
            merged.BucketCount.Should().Be(expected.BucketCount, $"round {round}");
            foreach (double q in Quantiles)
            {
                merged.Quantile(q).Should().Be(expected.Quantile(q), $"round {round}, q {q}");
            }
        }
    }

    [Fact]
    public async Task Concurrent_recording_loses_no_value()
    {
        var sketch = new QuantileSketch(Geometry());
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                sketch.Record(((i % 100) + 1) * (t % 2 == 0 ? 1 : -1));
            }
        })));
        SketchSnapshot snapshot = sketch.ToSnapshot();
        snapshot.Count.Should().Be(400_000);
        snapshot.Quantile(0).Should().BeApproximately(-100, 1);
        snapshot.Quantile(1).Should().BeApproximately(100, 1);
    }

    [Fact]
    public async Task Harvesting_while_others_record_loses_and_duplicates_nothing()
    {
        var sketch = new QuantileSketch(Geometry());
        var encoder = new SketchEncoder(sketch.Buckets);
        using var total = new SketchAccumulator(sketch.Buckets);
        Task[] writers = [.. Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                sketch.Record(t == 0 ? 0 : (i % 50) - (t * 10));
            }
        }))];
        Task all = Task.WhenAll(writers);
        while (!all.IsCompleted)
        {
            total.Add(sketch.Harvest(encoder));
        }

        await all;
        total.Add(sketch.Harvest(encoder));
        total.Count.Should().Be(400_000);
        sketch.ToSnapshot().Count.Should().Be(0);
    }

    [Fact]
    public void An_accumulator_of_live_and_closed_parts_answers_as_one_sketch()
    {
        var random = new Random(5);
        LogBuckets geometry = Geometry();
        var whole = new QuantileSketch(geometry);
        var live = new QuantileSketch(geometry);
        var closed = new QuantileSketch(geometry);
        foreach (double v in Sample("signed", random, 5_000))
        {
            whole.Record(v);
            (random.Next(2) == 0 ? live : closed).Record(v);
        }

        using var accumulator = new SketchAccumulator(geometry);
        live.AddTo(accumulator);
        accumulator.Add(closed.Harvest(new SketchEncoder(geometry)));
        SketchSnapshot expected = whole.ToSnapshot();
        accumulator.Count.Should().Be(5_000);
        foreach (double q in Quantiles)
        {
            accumulator.Quantile(q).Should().Be(expected.Quantile(q), $"q {q}");
        }

        accumulator.ToSnapshot().BucketCount.Should().Be(expected.BucketCount);
    }

    [Fact]
    public void Non_finite_values_are_refused_and_never_poison_quantiles()
    {
        var sketch = new QuantileSketch(Geometry());
        sketch.Record(double.NaN).Should().BeFalse();
        sketch.Record(double.PositiveInfinity).Should().BeFalse();
        sketch.Record(double.NegativeInfinity).Should().BeFalse();
        sketch.ToSnapshot().Count.Should().Be(0);
        sketch.ToSnapshot().Quantile(0.5).Should().Be(double.NaN);
        sketch.Record(7).Should().BeTrue();
        sketch.ToSnapshot().Quantile(0.99).Should().BeApproximately(7, 0.07);
    }

    [Fact]
    public void Magnitudes_outside_the_range_land_in_the_edge_buckets_and_are_counted()
    {
        var sketch = new QuantileSketch(new LogBuckets(0.01, 1, 1000));
        sketch.Record(1e-5);
        sketch.Record(1e9);
        sketch.Record(-1e9);
        sketch.Record(50);
        sketch.ClampedCount.Should().Be(3);
        SketchSnapshot snapshot = sketch.ToSnapshot();
        snapshot.Quantile(1).Should().BeApproximately(1000, 20);
        snapshot.Quantile(0).Should().BeApproximately(-1000, 20);
    }

    [Fact]
    public void A_snapshot_keeps_only_the_buckets_in_use()
    {
        var sketch = new QuantileSketch(Geometry());
        var random = new Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            sketch.Record(100 + (random.NextDouble() * 100)); // a 2x range
        }

        // ln 2 / ln((1 + 0.01) / (1 - 0.01)) is about 34.7 buckets.
        SketchSnapshot snapshot = sketch.ToSnapshot();
        snapshot.BucketCount.Should().BeInRange(34, 36);
        snapshot.AllocatedBytes.Should().BeLessThan(200, "a bucket takes about three bytes");
        sketch.AllocatedBytes().Should().BeLessThanOrEqualTo(2 * 280, "35 buckets span at most two chunks");
        sketch.Harvest(new SketchEncoder(sketch.Buckets)).Count.Should().Be(100_000);
        sketch.ToSnapshot().Count.Should().Be(0);
    }

    [Fact]
    public void The_index_table_agrees_with_the_logarithm_everywhere()
    {
        var random = new Random(8);
        foreach (double accuracy in new[] { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5 })
        {
            var geometry = new LogBuckets(accuracy, 1e-9, 1e12);
            for (int i = 0; i < 200_000; i++)
            {
                double m = Math.Pow(10, -10 + (random.NextDouble() * 23)); // beyond both ends too
                geometry.IndexOf(m).Should().Be(geometry.IndexByLogarithm(m), $"accuracy {accuracy}, magnitude {m:R}");
            }

            for (int index = geometry.MinIndex; index < geometry.MaxIndex; index += 7)
            {
                double boundary = Math.Exp(index * geometry.LogGamma); // values on and next to each bucket edge
                foreach (double m in new[] { Math.BitDecrement(boundary), boundary, Math.BitIncrement(boundary) })
                {
                    geometry.IndexOf(m).Should().Be(geometry.IndexByLogarithm(m), $"accuracy {accuracy}, edge {m:R}");
                }
            }
        }
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Action accuracy = () => _ = new LogBuckets(0, 1, 2);
        accuracy.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("relativeAccuracy");
        Action range = () => _ = new LogBuckets(0.01, 5, 2);
        range.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("minMagnitude");
        Action quantile = () => SketchSnapshot.Empty(Geometry()).Quantile(1.5);
        quantile.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("q");
        Action merge = () => SketchSnapshot.Empty(Geometry(0.01)).Merge(SketchSnapshot.Empty(Geometry(0.02)));
        merge.Should().Throw<ArgumentException>().WithParameterName("other");
    }
}
