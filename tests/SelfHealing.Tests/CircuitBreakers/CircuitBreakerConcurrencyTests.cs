using SelfHealing.CircuitBreakers;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>Many tasks drive one breaker; the invariants must hold whatever the interleaving.</summary>
public sealed class CircuitBreakerConcurrencyTests
{
    private const int Workers = 8;

    [Fact]
    public async Task Counts_add_up_when_many_tasks_record_at_once()
    {
        using var h = new BreakerHarness(o => { o.MinimumThroughput = 1_000_000; o.SlowCallDurationThreshold = TimeSpan.FromMinutes(1); });
        const int perWorker = 20_000;
        await RunWorkers(worker =>
        {
            for (int i = 0; i < perWorker; i++)
            {
                if (i % 4 == 0)
                {
                    h.Fail();
                }
                else
                {
                    h.Succeed();
                }
            }
        });

        CircuitBreakerSnapshot snapshot = h.Breaker.GetSnapshot();
        snapshot.TotalCalls.Should().Be(Workers * perWorker);
        snapshot.FailedCalls.Should().Be(Workers * perWorker / 4);
        snapshot.SlowCalls.Should().Be(0);
    }

    [Fact]
    public async Task Count_window_stays_exact_under_contention()
    {
        using var h = new BreakerHarness(o => { o.WindowKind = SlidingWindowKind.CountBased; o.WindowSize = 1000; o.MinimumThroughput = 1000; o.FailureRatio = 1; });
        await RunWorkers(worker =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                if ((i + worker) % 2 == 0)
                {
                    h.Fail();
                }
                else
                {
                    h.Succeed();
                }
            }
        });

        // Quiet now: the totals must match the ring itself.
        CircuitBreakerSnapshot snapshot = h.Breaker.GetSnapshot();
        snapshot.TotalCalls.Should().Be(1000);
        snapshot.FailedCalls.Should().BeInRange(0, 1000);
        h.Breaker.Reset();
        h.Breaker.GetSnapshot().Should().Match<CircuitBreakerSnapshot>(s => s.TotalCalls == 0 && s.FailedCalls == 0);
    }

    [Fact]
    public async Task Concurrent_callers_never_push_more_probes_through_than_allowed()
    {
        const int probes = 5;
        using var h = new BreakerHarness(o => { o.HalfOpenProbes = probes; o.MinimumThroughput = 2; });
        for (int round = 0; round < 50; round++)
        {
            h.OpenByFailures();
            h.Time.Advance(TimeSpan.FromSeconds(5));
            h.Breaker.State.Should().Be(CircuitState.HalfOpen);

            var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            int admitted = 0;
            int rejected = 0;
            var pending = new List<ValueTask<CircuitBreakerResult<int>>>();
            var sync = new object();
            await RunWorkers(_ =>
            {
                for (int i = 0; i < 20; i++)
                {
                    ValueTask<CircuitBreakerResult<int>> call = h.Breaker.ExecuteAsync(_ =>
                    {
                        Interlocked.Increment(ref admitted);
                        return new ValueTask<int>(gate.Task);
                    });
                    if (call.IsCompleted)
                    {
                        call.Result.IsRejected.Should().BeTrue();
                        Interlocked.Increment(ref rejected);
                    }
                    else
                    {
                        lock (sync)
                        {
                            pending.Add(call);
                        }
                    }
                }
            });

            admitted.Should().Be(probes, $"round {round}");
            rejected.Should().Be((Workers * 20) - probes);
            gate.SetResult(1);
            foreach (ValueTask<CircuitBreakerResult<int>> call in pending)
            {
                (await call).IsSuccess.Should().BeTrue();
            }

            h.Breaker.State.Should().Be(CircuitState.Closed);
        }
    }

    [Fact]
    public async Task No_transition_is_lost_or_duplicated_under_concurrent_failures()
    {
        using var h = new BreakerHarness(o => { o.MinimumThroughput = 10; o.HalfOpenProbes = 3; o.HalfOpenSuccessRatio = 0.6; });
        var transitions = new List<CircuitStateChanged>();
        for (int round = 0; round < 30; round++)
        {
            await RunWorkers(_ =>
            {
                for (int i = 0; i < 200; i++)
                {
                    if (i % 3 == 0)
                    {
                        h.Succeed();
                    }
                    else
                    {
                        h.Fail();
                    }
                }
            });

            h.Time.Advance(TimeSpan.FromSeconds(5));
            await RunWorkers(_ =>
            {
                for (int i = 0; i < 50; i++)
                {
                    h.Succeed();
                }
            });
            transitions.AddRange(h.DrainTransitions());
        }

        transitions.Should().NotBeEmpty();
        for (int i = 1; i < transitions.Count; i++)
        {
            transitions[i].PreviousState.Should().Be(transitions[i - 1].State, $"transition {i} must start where {i - 1} ended");
        }

        transitions.Count(t => t.State == CircuitState.Open).Should().Be(30, "each round opens exactly once");
        transitions.Count(t => t.State == CircuitState.Closed).Should().Be(30, "each round's probes close exactly once");
    }

    private static async Task RunWorkers(Action<int> work)
    {
        using var start = new Barrier(Workers);
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                work(worker);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));
    }
}
