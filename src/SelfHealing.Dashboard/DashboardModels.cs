namespace SelfHealing.Dashboard;

// The JSON API's shapes (version 1, docs/dashboard.md). Internal: the API is the JSON, not these types.

/// <summary>JSON has no NaN or infinity: a ratio without data is 0, a value without data is null.</summary>
internal static class JsonNumbers
{
    public static double OrZero(double value) => double.IsFinite(value) ? value : 0;

    public static double? OrNull(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>One transition of a breaker.</summary>
internal sealed record BreakerTransition(DateTimeOffset At, string From, string To, string Cause, string Reason);

/// <summary>One generation of the optimizer: the best and mean fitness measured, the configuration version promoted.</summary>
internal sealed record GenerationPoint(int Generation, DateTimeOffset At, double? Best, double? Mean, long Version);

/// <summary>One event as the page's feed and live stream show it.</summary>
/// <param name="Sequence">Increases by one per event recorded.</param>
/// <param name="Type">The event's type name (<c>CircuitStateChanged</c>, <c>IncidentChanged</c>...).</param>
/// <param name="At">When it was raised.</param>
/// <param name="Source">What raised it.</param>
/// <param name="Subject">The component, breaker or metric it is about, when it names one.</param>
/// <param name="Text">A one-line description.</param>
internal sealed record DashboardEvent(long Sequence, string Type, DateTimeOffset At, string Source, string? Subject, string Text);

internal sealed record SnapshotDto(
    int ApiVersion,
    string Title,
    DateTimeOffset GeneratedAt,
    int RefreshMilliseconds,
    ActionsDto Actions,
    SystemDto? System,
    IReadOnlyList<ComponentDto> Components,
    IReadOnlyList<BreakerDto> Breakers,
    IncidentsDto Incidents,
    IReadOnlyList<AlertDto> Alerts,
    IReadOnlyList<ApprovalDto> Approvals,
    OptimizerDto? Optimizer,
    ConfigurationDto? Configuration,
    ClusterPicture? Cluster,
    SwitchesDto? Switches,
    IReadOnlyList<DashboardEvent> Events);

/// <summary>The kill switches: automatic recovery as in force, and whether an operator set it over configuration.</summary>
internal sealed record SwitchesDto(bool AutomaticRecovery, bool Overridden);

internal sealed record ActionsDto(bool Allowed, string? Reason);

internal sealed record SystemDto(string Level, IReadOnlyList<string> RootCauses, IReadOnlyList<string> Affected);

// Kind: "component", or "breaker" for the health checks the library adds per breaker and for all of them.
internal sealed record ComponentDto(
    string Name,
    string Kind,
    string Level,
    string Reason,
    DateTimeOffset Since,
    bool IsRootCause,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> AffectedBy);

internal sealed record BreakerDto(
    string Name,
    string State,
    long TotalCalls,
    long FailedCalls,
    long SlowCalls,
    double FailureRatio,
    double SlowCallRatio,
    double FailureThreshold,
    DateTimeOffset? LastTransition,
    IReadOnlyList<BreakerTransition> Transitions);

internal sealed record IncidentsDto(IReadOnlyList<IncidentDto> Open, IReadOnlyList<IncidentDto> Closed);

internal sealed record IncidentDto(
    string Id,
    string Component,
    string FailureType,
    string Status,
    string? RootCause,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<TimelineDto> Timeline);

internal sealed record TimelineDto(DateTimeOffset At, string Kind, string Message);

internal sealed record AlertDto(string Component, string Kind, string Severity, string State, string Message, DateTimeOffset RaisedAt);

internal sealed record ApprovalDto(string Id, string IncidentId, string Component, string Strategy, string Risk, DateTimeOffset RequestedAt);

internal sealed record OptimizerDto(IReadOnlyList<GenerationPoint> Generations);

internal sealed record ConfigurationDto(long Version, string Source, string? Reason, DateTimeOffset Timestamp, IReadOnlyDictionary<string, string> Values, IReadOnlyList<ConfigVersionDto> History);

internal sealed record ConfigVersionDto(long Version, string Source, string? Reason, DateTimeOffset Timestamp);

internal sealed record SeriesDto(string Name, DateTimeOffset Start, double StepSeconds, IReadOnlyList<SeriesPointDto> Points);

internal sealed record SeriesPointDto(DateTimeOffset At, long Count, double Rate, double? P50, double? P95, double? P99);
