namespace SelfHealing.Health;

/// <summary>Where an alert is in its life, as told to the sinks.</summary>
public enum AlertState
{
    /// <summary>The condition began. Sent once, however long the condition lasts.</summary>
    Raised,

    /// <summary>The condition goes on at another severity (for example Degraded became Critical).</summary>
    Updated,

    /// <summary>The condition cleared.</summary>
    Resolved,
}
