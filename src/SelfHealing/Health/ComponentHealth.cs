namespace SelfHealing.Health;

/// <summary>The monitor's view of one component.</summary>
/// <param name="Name">The component: a health check registration's name or a declared component's.</param>
/// <param name="Level">Its level: the worst of its health check, its probe, its reported level and its thresholded metrics.</param>
/// <param name="Reason">Why it is at that level (the check's own description, or the threshold crossed).</param>
/// <param name="Since">When it reached that level.</param>
/// <param name="CheckedAt">When its last check (or report) ended.</param>
/// <param name="LastDuration">How long its last check took.</param>
public sealed record ComponentHealth(string Name, HealthLevel Level, string Reason, DateTimeOffset Since, DateTimeOffset CheckedAt, TimeSpan LastDuration)
{
    /// <summary>Gets the components it depends on, as declared.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>
    /// Gets the unhealthy components upstream that explain its trouble: dependencies (direct or not) that are not
    /// healthy while their own dependencies are. Empty when no dependency is in trouble.
    /// </summary>
    public IReadOnlyList<string> AffectedBy { get; init; } = [];

    /// <summary>Gets whether the component is a probable root cause: not healthy, and no dependency of it in trouble.</summary>
    public bool IsRootCause => Level != HealthLevel.Healthy && AffectedBy.Count == 0;

    /// <summary>Gets its latest value of each metric (probe values, reported values, collector values), by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Gets what decided the level: <c>check</c> (the health check), <c>probe</c>, <c>reported</c> (the component's
    /// own report), or <c>threshold:{metric}</c>; <see langword="null"/> while the component is healthy.
    /// </summary>
    public string? Source { get; init; }
}
