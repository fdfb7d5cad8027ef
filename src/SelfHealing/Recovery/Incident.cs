using SelfHealing.Health;

namespace SelfHealing.Recovery;

/// <summary>
/// The record of one component's trouble: what failed, the probable root cause, the related events, the plan,
/// every attempt, and how it ended. Snapshots: each change gives a new one.
/// </summary>
/// <param name="Id">Unique id.</param>
/// <param name="Component">The component.</param>
/// <param name="FailureType">What failed (see <see cref="FailureTypes"/>).</param>
/// <param name="Status">Where it is.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record Incident(string Id, string Component, string FailureType, IncidentStatus Status, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Gets the probable root cause: the component itself, or the upstream component whose trouble came first.</summary>
    public string? RootCause { get; init; }

    /// <summary>Gets the unhealthy upstream components that explain the trouble (from the dependency graph).</summary>
    public IReadOnlyList<string> AffectedBy { get; init; } = [];

    /// <summary>Gets the level that opened the incident, when the health monitor opened it.</summary>
    public HealthLevel? Level { get; init; }

    /// <summary>Gets the strategies of the chosen plan, in the order they were (or will be) tried.</summary>
    public IReadOnlyList<RecoveryStrategy> Plan { get; init; } = [];

    /// <summary>Gets every attempt so far.</summary>
    public IReadOnlyList<RecoveryAttempt> Attempts { get; init; } = [];

    /// <summary>Gets the timeline: related events, diagnosis, actions, verdicts.</summary>
    public IReadOnlyList<IncidentEntry> Timeline { get; init; } = [];

    /// <summary>Gets when it was resolved or escalated.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Gets whether it is over (resolved or escalated).</summary>
    public bool IsClosed => Status is IncidentStatus.Resolved or IncidentStatus.Escalated;
}
