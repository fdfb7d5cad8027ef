using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>What a breaker writes to the log for one outage, however many probes fail before it ends.</summary>
public sealed class OutageLoggingTests
{
    [Fact]
    public async Task One_outage_is_one_warning_even_when_probes_fail_and_it_opens_again()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<CircuitBreaker>();
        using var breaker = new CircuitBreaker("weather", new CircuitBreakerOptions { MinimumThroughput = 1, BreakDuration = TimeSpan.FromSeconds(5) }, time, logger: logger);

        await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"));
        for (int probe = 0; probe < 3; probe++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            breaker.State.Should().Be(CircuitState.HalfOpen);
            await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("still down"));
            breaker.State.Should().Be(CircuitState.Open);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        await breaker.ExecuteAsync(_ => new ValueTask<int>(1));
        breaker.State.Should().Be(CircuitState.Closed);

        IReadOnlyList<FakeLogRecord> lines = logger.Collector.GetSnapshot();
        lines.Select(l => (l.Id.Id, l.Level)).Should().Equal(
            (2001, LogLevel.Warning),
            (2002, LogLevel.Information), (2008, LogLevel.Information),
            (2002, LogLevel.Information), (2008, LogLevel.Information),
            (2002, LogLevel.Information), (2008, LogLevel.Information),
            (2002, LogLevel.Information), (2003, LogLevel.Information));
        lines[2].Message.Should().StartWith("Circuit weather is still failing and opened again for 00:00:05: ");
    }
}
