using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;

namespace SelfHealing.Tests.TestSupport;

/// <summary>A breaker on a fake clock with an event hub, and one-line calls that succeed, fail or hang.</summary>
internal sealed class BreakerHarness : IDisposable
{
    public BreakerHarness(Action<CircuitBreakerOptions>? configure = null, string name = "test")
    {
        var options = new CircuitBreakerOptions
        {
            MinimumThroughput = 4,
            FailureRatio = 0.5,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BucketCount = 10,
            BreakDuration = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        Time = new FakeTimeProvider();
        Hub = new EventHub();
        Events = Hub.Subscribe("harness");
        Breaker = new CircuitBreaker(name, options, Time, Hub);
    }

    public FakeTimeProvider Time { get; }

    public EventHub Hub { get; }

    public EventSubscription Events { get; }

    public CircuitBreaker Breaker { get; }

    public CircuitBreakerResult<int> Succeed(int value = 1) => Run(_ => new ValueTask<int>(value));

    public CircuitBreakerResult<int> Fail() => Run(_ => throw new InvalidOperationException("boom"));

    public CircuitBreakerResult<int> Run(Func<CancellationToken, ValueTask<int>> operation, CancellationToken cancellationToken = default)
    {
        ValueTask<CircuitBreakerResult<int>> pending = Breaker.ExecuteAsync(operation, cancellationToken);
        pending.IsCompleted.Should().BeTrue("synchronous operations complete synchronously");
        return pending.Result;
    }

    /// <summary>A call whose outcome the test decides later by completing the returned source.</summary>
    public (ValueTask<CircuitBreakerResult<int>> Pending, TaskCompletionSource<int> Completion) Start()
    {
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Breaker.ExecuteAsync(_ => new ValueTask<int>(completion.Task)), completion);
    }

    public void OpenByFailures()
    {
        while (Breaker.State == CircuitState.Closed)
        {
            Fail();
        }

        Breaker.State.Should().Be(CircuitState.Open);
    }

    public List<CircuitStateChanged> DrainTransitions()
    {
        var list = new List<CircuitStateChanged>();
        while (Events.Reader.TryRead(out SelfHealingEvent? e))
        {
            if (e is CircuitStateChanged change)
            {
                list.Add(change);
            }
        }

        return list;
    }

    public void Dispose()
    {
        Breaker.Dispose();
        Hub.Dispose();
    }
}
