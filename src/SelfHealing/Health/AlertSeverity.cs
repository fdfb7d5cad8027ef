namespace SelfHealing.Health;

/// <summary>How urgent a <see cref="HealthAlert"/> is, from least to most.</summary>
public enum AlertSeverity
{
    /// <summary>Worth knowing: a component affected by a dependency's trouble, a forecast of mild degradation.</summary>
    Info = 0,

    /// <summary>Needs attention soon: a degraded component, a forecast breach of a critical level.</summary>
    Warning = 1,

    /// <summary>Needs attention now: a critical or failed component.</summary>
    Critical = 2,
}
