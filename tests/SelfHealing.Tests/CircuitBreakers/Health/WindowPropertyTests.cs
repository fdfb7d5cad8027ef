using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers.Health;

namespace SelfHealing.Tests.CircuitBreakers.Health;

/// <summary>
/// The windows against a plain reference model, over thousands of generated operation sequences. The
/// generator is seeded, so a failure reproduces exactly; the seed is in the assertion message. Time moves on
/// a fake clock, so the window's bucket timer (and its going dormant and waking) is part of what is checked.
/// </summary>
public sealed class WindowPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Time_bucket_window_counts_exactly_the_outcomes_of_the_last_n_buckets(int seed)
    {
        var random = new Random(seed);
        for (int sequence = 0; sequence < 300; sequence++)
        {
            int buckets = random.Next(1, 12);
            long bucketTicks = random.Next(1, 50) * TimeSpan.TicksPerMillisecond; // timers count whole milliseconds
            var time = new FakeTimeProvider();
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 1000)));
            using var window = new TimeBucketWindow(buckets, bucketTicks, time);
            var model = new List<(long Epoch, bool Failure, bool Slow)>();
            for (int step = 0; step < 200; step++)
            {
                long now = time.GetTimestamp();
                switch (random.Next(10))
                {
                    case 0:
                        // Whole milliseconds, as timers count them: the bucket clock then ticks exactly at boundaries.
                        time.Advance(TimeSpan.FromMilliseconds(random.NextInt64(0, (bucketTicks / TimeSpan.TicksPerMillisecond) * (buckets + 2))));
                        now = time.GetTimestamp();
                        break;
                    case 1 when random.Next(20) == 0:
                        window.Reset();
                        model.Clear();
                        break;
                    default:
                        bool failure = random.Next(3) == 0;
                        bool slow = random.Next(4) == 0;
                        window.Record(failure, slow);
                        model.Add((now / bucketTicks, failure, slow));
                        break;
                }

                long readAt = now + random.NextInt64(0, bucketTicks * 2);
                long newest = readAt / bucketTicks;
                var inWindow = model.Where(m => m.Epoch > newest - buckets && m.Epoch <= newest).ToList();
                WindowCounts counts = window.Read(readAt);
                counts.Should().Be(
                    new WindowCounts(inWindow.Count, inWindow.Count(m => m.Failure), inWindow.Count(m => m.Slow)),
                    $"seed {seed}, sequence {sequence}, step {step}, {buckets} buckets of {bucketTicks} ticks");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Count_window_counts_exactly_the_last_n_outcomes(int seed)
    {
        var random = new Random(seed);
        for (int sequence = 0; sequence < 300; sequence++)
        {
            int size = random.Next(1, 40);
            using var window = new CountWindow(size);
            var model = new List<(bool Failure, bool Slow)>();
            for (int step = 0; step < 200; step++)
            {
                if (random.Next(50) == 0)
                {
                    window.Reset();
                    model.Clear();
                }
                else
                {
                    bool failure = random.Next(2) == 0;
                    bool slow = random.Next(5) == 0;
                    window.Record(failure, slow);
                    model.Add((failure, slow));
                }

                var last = model.TakeLast(size).ToList();
                window.Read().Should().Be(
                    new WindowCounts(last.Count, last.Count(m => m.Failure), last.Count(m => m.Slow)),
                    $"seed {seed}, sequence {sequence}, step {step}, size {size}");
            }
        }
    }

    [Theory]
    [InlineData(7)]
    public void Seeding_carries_counts_within_the_new_window_capacity(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 1000; i++)
        {
            long total = random.Next(0, 200);
            var carried = new WindowCounts(total, random.NextInt64(0, total + 1), random.NextInt64(0, total + 1));
            int size = random.Next(1, 150);
            using var count = new CountWindow(size);
            count.Seed(carried);
            long kept = Math.Min(total, size);
            count.Read().Should().Be(new WindowCounts(kept, Math.Min(carried.Failures, kept), Math.Min(carried.Slow, kept)), $"seed {seed}, case {i}");

            using var window = new TimeBucketWindow(random.Next(1, 10), 10, new FakeTimeProvider());
            window.Seed(carried);
            window.Read().Should().Be(carried, $"seed {seed}, case {i}");
        }
    }

    [Fact]
    public void Completed_buckets_report_what_they_held()
    {
        var time = new FakeTimeProvider();
        using var window = new TimeBucketWindow(2, 10 * TimeSpan.TicksPerMillisecond, time);
        var completed = new List<(long Calls, long Failures)>();
        window.BucketCompleted = (calls, failures) => completed.Add((calls, failures));
        window.Record(true, false);
        time.Advance(TimeSpan.FromMilliseconds(5));
        window.Record(false, false);
        time.Advance(TimeSpan.FromMilliseconds(5));
        window.Record(false, false); // second bucket, first use: nothing completes
        completed.Should().BeEmpty();
        time.Advance(TimeSpan.FromMilliseconds(10));
        window.Record(true, false); // reuses the first bucket
        completed.Should().Equal((2L, 1L));
    }

    [Fact]
    public void Bucket_clock_stops_when_calls_stop_and_wakes_on_the_next_call()
    {
        var time = new FakeTimeProvider();
        using var window = new TimeBucketWindow(3, TimeSpan.TicksPerSecond, time);
        window.Record(false, false);
        time.Advance(TimeSpan.FromDays(1));
        window.Read().Total.Should().Be(0);
        window.Record(true, false);
        window.Read().Should().Be(new WindowCounts(1, 1, 0), "the first call after a quiet day lands in the current bucket");
        time.Advance(TimeSpan.FromSeconds(2));
        window.Record(false, false);
        window.Read().Should().Be(new WindowCounts(2, 1, 0));
        time.Advance(TimeSpan.FromSeconds(1));
        window.Read().Should().Be(new WindowCounts(1, 0, 0), "the failure's bucket has left the window");
    }
}
