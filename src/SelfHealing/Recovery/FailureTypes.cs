namespace SelfHealing.Recovery;

/// <summary>The failure types the recovery manager derives from events; plans may also use their own.</summary>
public static class FailureTypes
{
    /// <summary>The health monitor saw the component Degraded.</summary>
    public const string Degraded = "Degraded";

    /// <summary>The health monitor saw the component Critical.</summary>
    public const string Critical = "Critical";

    /// <summary>The health monitor saw the component Failed.</summary>
    public const string Failed = "Failed";

    /// <summary>The circuit breaker of the component's name opened.</summary>
    public const string CircuitOpen = "CircuitOpen";

    /// <summary>An anomaly on a metric tagged <c>component={name}</c>; acted on only when a plan names this type.</summary>
    public const string Anomaly = "Anomaly";

    /// <summary>A breach forecast for the component (healing level Advanced or Full); acted on only when a plan names this type.</summary>
    public const string Predicted = "Predicted";
}
