using SelfHealing.Telemetry;

namespace SelfHealing.Tests.Telemetry;

public sealed class StripedCountersTests
{
    [Fact]
    public async Task Counts_from_many_threads_add_up_exactly_and_stay_apart()
    {
        var counters = new StripedCounters(5);
        const int Threads = 8;
        const int PerThread = 20_000;
        using var start = new Barrier(Threads);
        Task[] workers = [.. Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PerThread; i++)
                {
                    counters.Increment(i % 2 == 0 ? 0 : 1 + (t % 4)); // half to 0, the rest to 1..4 by thread
                }
            },
            TaskCreationOptions.LongRunning))];
        await Task.WhenAll(workers);

        counters.Read(0).Should().Be(Threads * PerThread / 2);
        for (int counter = 1; counter <= 4; counter++)
        {
            counters.Read(counter).Should().Be(2 * PerThread / 2, $"two threads counted half their calls into {counter}");
        }
    }

    [Fact]
    public void Wide_counters_keep_their_totals_apart()
    {
        var counters = new StripedCounters(11); // more than a cache line's worth
        for (int counter = 0; counter < 11; counter++)
        {
            for (int i = 0; i <= counter; i++)
            {
                counters.Increment(counter);
            }
        }

        Enumerable.Range(0, 11).Select(counters.Read).Should().Equal(Enumerable.Range(1, 11).Select(n => (long)n));
        Action none = () => _ = new StripedCounters(0);
        none.Should().Throw<ArgumentOutOfRangeException>();
    }
}
