using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Tests.CircuitBreakers;

/// <summary>A user's classifier that throws does not turn the result API into a throwing one.</summary>
public sealed class ThrowingClassifierTests
{
    [Fact]
    public async Task A_throwing_classifier_makes_the_call_a_failure_logged_once_a_minute()
    {
        var logger = new FakeLogger();
        var time = new FakeTimeProvider();
        var options = new CircuitBreakerOptions
        {
            MinimumThroughput = 100,
            ClassifyException = _ => throw new InvalidOperationException("classifier bug"),
        };
        options.ClassifyResult<int>(value => value < 0 ? throw new ArgumentException("result classifier bug") : CallOutcome.Success);
        using var breaker = new CircuitBreaker("classified", options, time, eventHub: null, logger);

        CircuitBreakerResult<int> thrown = await breaker.ExecuteAsync<int>(_ => throw new TimeoutException("down"));
        (thrown.Status, thrown.Outcome).Should().Be((CircuitBreakerResultStatus.Failure, CallOutcome.Failure));
        thrown.Exception.Should().BeOfType<TimeoutException>("the caller sees its own call's exception, not the classifier's");

        CircuitBreakerResult<int> judged = await breaker.ExecuteAsync(_ => new ValueTask<int>(-1));
        (judged.Status, judged.Outcome, judged.Value).Should().Be((CircuitBreakerResultStatus.Failure, CallOutcome.Failure, -1));
        (await breaker.ExecuteAsync(_ => new ValueTask<int>(5))).IsSuccess.Should().BeTrue();

        breaker.GetSnapshot().FailedCalls.Should().Be(2);
        logger.Collector.GetSnapshot().Should().ContainSingle("the second failure falls within the minute").Which.Should().Match<FakeLogRecord>(r =>
            r.Level == LogLevel.Error && r.Id.Id == 2009 && r.Message.Contains("ClassifyException of circuit classified") && r.Exception is InvalidOperationException);

        time.Advance(TimeSpan.FromMinutes(1));
        await breaker.ExecuteAsync(_ => new ValueTask<int>(-2));
        logger.Collector.LatestRecord.Message.Should().Contain("ClassifyResult of circuit classified threw; the call counts as a failure (1 more since the last such line");
    }
}
