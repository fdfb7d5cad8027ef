namespace SelfHealing.Chaos;

/// <summary>Why an injected fault stopped.</summary>
public enum ChaosStopReason
{
    /// <summary>Its <see cref="ChaosFault.Duration"/> ran out: a fault that clears on its own.</summary>
    Expired = 0,

    /// <summary>It was stopped by <see cref="ActiveChaosFault.Stop"/> or <see cref="ChaosInjector.StopAll"/>.</summary>
    Stopped = 1,

    /// <summary>Its target was restarted (a <see cref="ChaosFaultKind.ComponentDown"/> fault ends with a restart).</summary>
    Restarted = 2,

    /// <summary>Chaos was switched off (<see cref="ChaosOptions.Enabled"/> became false): the kill switch.</summary>
    Disabled = 3,

    /// <summary>The injector was disposed with the host.</summary>
    Disposed = 4,
}
