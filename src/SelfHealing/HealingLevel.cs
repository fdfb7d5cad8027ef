namespace SelfHealing;

/// <summary>How much of the self-healing machinery runs for a component, chosen per component in the builder.</summary>
public enum HealingLevel
{
    /// <summary>Breakers and static recovery plans: strategies run in the order the plan lists them.</summary>
    Basic = 0,

    /// <summary>
    /// Basic, plus health prediction (a breach forecast starts the component's <c>Predicted</c> plan, when it has
    /// one) and learning (plans reordered by what has worked). The default.
    /// </summary>
    Advanced = 1,

    /// <summary>
    /// Advanced, plus recovery on anomalies: an anomaly of a metric tagged with the component starts its
    /// <c>Anomaly</c> plan, when it has one (a metric alone is the weakest evidence, so it acts only when trusted to).
    /// </summary>
    Full = 2,
}
