namespace SelfHealing.Health;

/// <summary>The monitor's view of one component.</summary>
/// <param name="Name">The component: the name of its health check registration.</param>
/// <param name="Level">Its level, after the consecutive-outcome rule.</param>
/// <param name="Reason">Why it is at that level (the check's own description).</param>
/// <param name="Since">When it reached that level.</param>
/// <param name="CheckedAt">When its last check ended.</param>
/// <param name="LastDuration">How long its last check took.</param>
public sealed record ComponentHealth(string Name, HealthLevel Level, string Reason, DateTimeOffset Since, DateTimeOffset CheckedAt, TimeSpan LastDuration);
