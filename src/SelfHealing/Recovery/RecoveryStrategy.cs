namespace SelfHealing.Recovery;

/// <summary>What the recovery manager can do about a failing component.</summary>
public enum RecoveryStrategy
{
    /// <summary>Restart the component (<see cref="IHealableComponent.RestartAsync"/>).</summary>
    Restart,

    /// <summary>Apply the plan's parameter changes (<see cref="IHealableComponent.ReconfigureAsync"/>).</summary>
    Reconfigure,

    /// <summary>Switch the component to its fallback (<see cref="IHealableComponent.SetFallbackAsync"/>).</summary>
    Fallback,

    /// <summary>Grow the component's resources by the plan's factor (<see cref="IHealableComponent.ScaleAsync"/>).</summary>
    ScaleResources,

    /// <summary>Ask a human: the incident is escalated to the incident sinks.</summary>
    ManualIntervention,
}
