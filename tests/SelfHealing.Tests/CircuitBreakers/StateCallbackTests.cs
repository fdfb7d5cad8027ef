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
}
