namespace SelfHealing.Recovery;

/// <summary>How risky a recovery action is: actions above <see cref="RecoveryOptions.AutoApproveUpTo"/> wait for the approval gate.</summary>
public enum RiskLevel
{
    /// <summary>Safe to run at any time (switching to a fallback).</summary>
    Low = 0,

    /// <summary>Disturbs the component briefly (a restart, a reconfiguration, more resources).</summary>
    Medium = 1,

    /// <summary>May make things worse or cost money; a human should agree.</summary>
    High = 2,
}
