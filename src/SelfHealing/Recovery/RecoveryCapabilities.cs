namespace SelfHealing.Recovery;

/// <summary>What a healable component supports; the recovery manager never calls what is not listed.</summary>
[Flags]
public enum RecoveryCapabilities
{
    /// <summary>Nothing: the manager can only open incidents and escalate.</summary>
    None = 0,

    /// <summary><see cref="IHealableComponent.RestartAsync"/>.</summary>
    Restart = 1,

    /// <summary><see cref="IHealableComponent.ReconfigureAsync"/>.</summary>
    Reconfigure = 2,

    /// <summary><see cref="IHealableComponent.SetFallbackAsync"/>.</summary>
    Fallback = 4,

    /// <summary><see cref="IHealableComponent.ScaleAsync"/>.</summary>
    ScaleResources = 8,

    /// <summary><see cref="IHealableComponent.CheckpointAsync"/> and <see cref="IHealableComponent.RestoreAsync"/>.</summary>
    Checkpoint = 16,
}
