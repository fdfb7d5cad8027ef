using SelfHealing.Benchmarks.Validation;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>The validation run's scoring, on events written by hand: what counts as detected, recovered, diagnosed, wrong and false.</summary>
public sealed class ValidationScoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_cascade_seen_on_its_target_named_as_root_cause_and_cured_by_a_restart_scores_as_such()
    {
        ChaosFault down = ChaosFault.ComponentDown("database");
        SelfHealingEvent[] events =
        [
            new ChaosFaultStarted("chaos", At(0), "chaos-1", down),
            new HealthChanged("health", At(150), "inventory", HealthLevel.Healthy, HealthLevel.Critical, "errors"), // a dependent first
            new HealthChanged("health", At(200), "database", HealthLevel.Healthy, HealthLevel.Critical, "errors"),
            Incident("i-1", "database", "database", At(200), At(900), attempts: 1),
            Incident("i-2", "inventory", "database", At(150), At(1_000), attempts: 0),
            new ChaosFaultStopped("chaos", At(900), "chaos-1", down, ChaosStopReason.Restarted),
            new HealthChanged("health", At(1_100), "database", HealthLevel.Critical, HealthLevel.Healthy, "ok"),
        ];

        var score = new ValidationScore(events);

        FaultOutcome outcome = score.Outcomes.Should().ContainSingle().Subject;
        outcome.Detected.Should().Be(TimeSpan.FromMilliseconds(150), "the dependent's incident names the database as its root cause at 150 ms");
        outcome.Recovered.Should().Be(TimeSpan.FromMilliseconds(1_100), "from the fault's start to the database Healthy again");
        outcome.DiagnosisRight.Should().BeTrue();
        outcome.WrongActions.Should().Be(0);
        score.FalseAlarms.Should().BeEmpty();
    }

    [Fact]
    public void An_action_on_a_dependent_is_wrong_a_dependent_named_as_root_cause_is_a_wrong_diagnosis_and_an_alarm_in_quiet_time_is_false()
    {
        ChaosFault slow = ChaosFault.Delay("queue", TimeSpan.FromMilliseconds(200)) with { Duration = TimeSpan.FromSeconds(1) };
        SelfHealingEvent[] events =
        [
            new ChaosFaultStarted("chaos", At(0), "chaos-1", slow),
            Incident("i-1", "email-worker", "email-worker", At(300), At(600), attempts: 1),
            new ChaosFaultStopped("chaos", At(1_000), "chaos-1", slow, ChaosStopReason.Expired),
            new CircuitStateChanged("circuit-breaker:auth", At(20_000), "auth", CircuitState.Closed, CircuitState.Open, CircuitTransitionCause.FailureRatio, 0.6, TimeSpan.FromSeconds(1), default),
        ];

        var score = new ValidationScore(events);

        FaultOutcome outcome = score.Outcomes.Should().ContainSingle().Subject;
        outcome.Detected.Should().BeNull("nothing was said about the queue itself");
        outcome.DiagnosisRight.Should().BeFalse();
        outcome.WrongActions.Should().Be(1);
        score.FalseAlarms.Should().ContainSingle().Which.Component.Should().Be("auth");
    }

    private static DateTimeOffset At(int milliseconds) => T0.AddMilliseconds(milliseconds);

    private static IncidentChanged Incident(string id, string component, string rootCause, DateTimeOffset opened, DateTimeOffset updated, int attempts) =>
        new("recovery", updated, new Incident(id, component, FailureTypes.Critical, IncidentStatus.Recovering, opened, updated)
        {
            RootCause = rootCause,
            Attempts = [.. Enumerable.Range(1, attempts).Select(a => new RecoveryAttempt(RecoveryStrategy.Restart, a, true, TimeSpan.FromMilliseconds(10)))],
        });
}
