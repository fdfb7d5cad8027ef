using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>The user's <c>OnStateChanged</c> callback runs outside the breaker's lock, in the order of the transitions.</summary>
public sealed class StateCallbackTests
{
    [Fact]
    public async Task A_callback_can_wait_on_work_that_needs_the_breaker_without_a_deadlock()
    {
        var seen = new List<CircuitState>();
        bool otherThreadFinished = false;
        CircuitBreaker breaker = null!;
        using var created = breaker = new CircuitBreaker("payments", new CircuitBreakerOptions
        {
            MinimumThroughput = 1,
            OnStateChanged = change =>
            {
                lock (seen)
                {
                    seen.Add(change.State);
                }

                if (change.State == CircuitState.Open)
                {
                    // Another thread changes the same breaker (an admin endpoint, a configuration reload) while this
                    // callback waits for it: under the breaker's lock this could never finish.
                    otherThreadFinished = Task.Run(breaker.Isolate).Wait(TimeSpan.FromSeconds(10));
                }
            },
        }, new FakeTimeProvider());

        await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));

        otherThreadFinished.Should().BeTrue();
        breaker.State.Should().Be(CircuitState.Isolated);
        seen.Should().Equal([CircuitState.Open, CircuitState.Isolated], "callbacks come in the order of the transitions, one at a time");
    }

    [Fact]
    public async Task A_callback_that_blocks_delays_only_itself()
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        using var registry = new CircuitBreakerRegistry((name, o) =>
        {
            o.MinimumThroughput = 1;
            o.OnStateChanged = change =>
            {
                if (change.State == CircuitState.Open)
                {
                    entered.Set();
                    release.Wait(TimeSpan.FromSeconds(30)); // a callback stuck on a slow pager
                }
            };
        }, new FakeTimeProvider());
        CircuitBreaker payments = registry.GetOrCreate("payments");
        Task failing = Task.Run(async () => await payments.ExecuteAsync<int>(_ => throw new InvalidOperationException("down")));
        entered.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();

        Task others = Task.Run(() =>
        {
            registry.GetSnapshots().Single().State.Should().Be(CircuitState.Open);
            _ = payments.LastTransitionTime;
            payments.Reset();
            registry.GetOrCreate("inventory").Isolate();
        });
        await others.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(10))).Should().NotThrowAsync("the registry and the breaker answer while the callback blocks (bounded: a deadlock fails the test)");
        payments.State.Should().Be(CircuitState.Closed);

        release.Set();
        await failing;
    }

    [Fact]
    public async Task Two_breakers_whose_callbacks_isolate_each_other_do_not_deadlock()
    {
        CircuitBreakerRegistry registry = null!;
        using var created = registry = new CircuitBreakerRegistry((name, o) =>
        {
            o.MinimumThroughput = 1;
            o.OnStateChanged = change =>
            {
                if (change.State == CircuitState.Open)
                {
                    registry.GetOrCreate(change.CircuitName == "a" ? "b" : "a").Isolate(); // each opening isolates the other
                }
            };
        }, new FakeTimeProvider());
        CircuitBreaker a = registry.GetOrCreate("a");
        CircuitBreaker b = registry.GetOrCreate("b");
        using var go = new ManualResetEventSlim();

        Task openA = Task.Run(async () => { go.Wait(); await a.ExecuteAsync<int>(_ => throw new InvalidOperationException("a down")); });
        Task openB = Task.Run(async () => { go.Wait(); await b.ExecuteAsync<int>(_ => throw new InvalidOperationException("b down")); });
        go.Set();
        Task both = Task.WhenAll(openA, openB);
        await both.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(10))).Should().NotThrowAsync("neither callback waits for the other's lock (bounded: a deadlock fails the test)");

        new[] { a.State, b.State }.Should().OnlyContain(s => s == CircuitState.Open || s == CircuitState.Isolated);
        registry.GetSnapshots().Should().HaveCount(2, "the registry still answers");
        registry.Reload();
    }
}
