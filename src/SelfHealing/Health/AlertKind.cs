namespace SelfHealing.Health;

/// <summary>What a <see cref="HealthAlert"/> is about.</summary>
public enum AlertKind
{
    /// <summary>The component's level: raised when it leaves Healthy, resolved when it is back.</summary>
    Status,

    /// <summary>A forecast breach of a metric's threshold: raised when the forecast appears, resolved when it no longer holds.</summary>
    Prediction,
}
