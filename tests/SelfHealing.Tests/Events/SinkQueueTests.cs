using Microsoft.Extensions.Time.Testing;
using SelfHealing.Events;

namespace SelfHealing.Tests.Events;

/// <summary>A sink that fails on every notification is reported once a minute with a count, not once per notification.</summary>
public sealed class SinkQueueTests
{
    [Fact]
    public async Task A_failing_sink_is_reported_once_a_minute_with_the_failures_held_back()
    {
        var time = new FakeTimeProvider();
        var reports = new List<(int Item, long Held)>();
        int delivered = 0;
        var hundred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new SinkQueue<int>(
            (item, _) =>
            {
                if (Interlocked.Increment(ref delivered) == 100)
                {
                    hundred.SetResult();
                }

                throw new InvalidOperationException("pager down");
            },
            (ex, item, held) => { lock (reports) { reports.Add((item, held)); } },
            (item, held) => throw new InvalidOperationException("nothing is dropped here"),
            time);
        queue.Start();
        for (int i = 0; i < 100; i++)
        {
            queue.Offer(i);
        }

        await hundred.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (reports)
        {
            reports.Should().Equal([(0, 0L)], "the first failure is reported; the next 99 within the minute are counted");
        }

        time.Advance(TimeSpan.FromMinutes(1));
        queue.Offer(100);
        await queue.CompleteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        delivered.Should().Be(101, "every notification is tried");
        reports.Should().Equal([(0, 0L), (100, 99L)], "a minute later the next failure is reported with the 99 held back");
    }
}
