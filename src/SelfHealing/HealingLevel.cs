namespace SelfHealing;

/// <summary>How much of the self-healing machinery runs for a component, chosen per component in the builder.</summary>
public enum HealingLevel
{
    /// <summary>Breakers and static recovery plans: strategies run in the order the plan lists them.</summary>
    Basic = 0,

    /// <summary>
    /// Basic, plus health prediction (a breach forecast starts the component's <c>Predicted</c> plan, when it has
    /// one), learning (plans reordered by what has worked) and reconfiguration.
    /// </summary>
    Advanced = 1,

    /// <summary>Advanced, plus the optimizer and cluster coordination where they are configured.</summary>
    Full = 2,
}
