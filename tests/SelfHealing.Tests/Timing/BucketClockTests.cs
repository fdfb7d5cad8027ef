using Microsoft.Extensions.Time.Testing;
using SelfHealing.Timing;

namespace SelfHealing.Tests.Timing;

public sealed class BucketClockTests
{
    [Fact]
    public void Cursor_follows_the_clock_across_boundaries_while_active()
    {
        var time = new FakeTimeProvider();
        using var clock = new BucketClock(TimeSpan.TicksPerSecond, 7, time, _ => true);
        long start = time.GetTimestamp() / TimeSpan.TicksPerSecond;
        for (int second = 0; second < 20; second++)
        {
            long cursor = clock.Cursor;
            clock.EpochOf(cursor).Should().Be(start + second);
            BucketClock.SlotOf(cursor).Should().Be((int)((start + second) % 7));
            clock.ExactEpoch.Should().Be(start + second);
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Goes_dormant_after_a_quiet_slice_and_wakes_on_the_next_read()
    {
        var time = new FakeTimeProvider();
        int asked = 0;
        using var clock = new BucketClock(TimeSpan.TicksPerMillisecond, 10, time, _ => Interlocked.Increment(ref asked) == 1);
        _ = clock.Cursor;
        time.Advance(TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromHours(1));
        asked.Should().Be(2, "the first slice was active, the next one quiet: then the timer stops");
        time.Advance(TimeSpan.FromHours(5));
        asked.Should().Be(2, "a dormant clock does not tick");
        clock.EpochOf(clock.Cursor).Should().Be(clock.ExactEpoch, "the first read after the quiet spell takes the clock");
        time.Advance(TimeSpan.FromMilliseconds(3));
        asked.Should().Be(3, "the read woke the clock; its next tick asks again");
    }

    [Fact]
    public void Disposed_clock_stops_ticking()
    {
        var time = new FakeTimeProvider();
        int asked = 0;
        var clock = new BucketClock(TimeSpan.TicksPerSecond, 3, time, _ => { asked++; return true; });
        _ = clock.Cursor;
        clock.Dispose();
        time.Advance(TimeSpan.FromMinutes(1));
        asked.Should().Be(0);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Action slice = () => _ = new BucketClock(0, 1, TimeProvider.System, _ => false);
        slice.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("sliceTicks");
        Action slots = () => _ = new BucketClock(1, BucketClock.MaxSlots + 1, TimeProvider.System, _ => false);
        slots.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("slots");
    }
}
