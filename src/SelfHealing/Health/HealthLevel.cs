namespace SelfHealing.Health;

/// <summary>How healthy a component (or one of its metrics) is, from best to worst.</summary>
public enum HealthLevel
{
    /// <summary>Working normally.</summary>
    Healthy = 0,

    /// <summary>Working, but worse than normal.</summary>
    Degraded = 1,

    /// <summary>Barely working; failure is near.</summary>
    Critical = 2,

    /// <summary>Not working.</summary>
    Failed = 3,
}
