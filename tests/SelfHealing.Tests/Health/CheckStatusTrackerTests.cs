using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Health;

namespace SelfHealing.Tests.Health;

public sealed class CheckStatusTrackerTests
{
    private static HealthCheckOutcome Outcome(HealthStatus status, string? description = null, Exception? error = null, bool timedOut = false) =>
        new("db", new HealthCheckResult(status, description, error), TimeSpan.Zero, new HashSet<string>(), timedOut);

    [Fact]
    public void Outcomes_map_to_levels_with_throws_and_timeouts_as_failed()
    {
        CheckStatusTracker.LevelOf(Outcome(HealthStatus.Healthy)).Should().Be(HealthLevel.Healthy);
        CheckStatusTracker.LevelOf(Outcome(HealthStatus.Degraded)).Should().Be(HealthLevel.Degraded);
        CheckStatusTracker.LevelOf(Outcome(HealthStatus.Unhealthy)).Should().Be(HealthLevel.Critical);
        CheckStatusTracker.LevelOf(Outcome(HealthStatus.Unhealthy, error: new InvalidOperationException())).Should().Be(HealthLevel.Failed);
        CheckStatusTracker.LevelOf(Outcome(HealthStatus.Degraded, timedOut: true)).Should().Be(HealthLevel.Failed);
    }

    [Fact]
    public void One_bad_outcome_moves_nothing_and_a_streak_moves_the_level_with_the_checks_reason()
    {
        var tracker = new CheckStatusTracker("db", samplesToWorsen: 2, samplesToRecover: 3);
        tracker.Observe(Outcome(HealthStatus.Unhealthy, "connection refused")).Should().Be(HealthLevel.Healthy);
        tracker.Observe(Outcome(HealthStatus.Healthy)).Should().Be(HealthLevel.Healthy);
        tracker.Reason.Should().Be("db is healthy");
        tracker.Observe(Outcome(HealthStatus.Unhealthy, "connection refused")).Should().Be(HealthLevel.Healthy);
        tracker.Observe(Outcome(HealthStatus.Unhealthy, "pool exhausted")).Should().Be(HealthLevel.Critical);
        tracker.Reason.Should().Be("pool exhausted");

        tracker.Observe(Outcome(HealthStatus.Healthy)).Should().Be(HealthLevel.Critical);
        tracker.Observe(Outcome(HealthStatus.Healthy)).Should().Be(HealthLevel.Critical);
        tracker.Observe(Outcome(HealthStatus.Healthy)).Should().Be(HealthLevel.Healthy);
    }
}
