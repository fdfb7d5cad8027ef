namespace SelfHealing.Recovery;

/// <summary>Where an incident is.</summary>
public enum IncidentStatus
{
    /// <summary>Opened and diagnosed; no action has started.</summary>
    Open,

    /// <summary>A recovery is running.</summary>
    Recovering,

    /// <summary>The component recovered (by an action, with its dependency, or on its own).</summary>
    Resolved,

    /// <summary>Nothing the manager may do recovered it: a human has to act.</summary>
    Escalated,
}
