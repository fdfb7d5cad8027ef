namespace SelfHealing;

/// <summary>What kind of trouble a <see cref="Diagnosis"/> found, from the signals the library has about the component.</summary>
public enum FailureKind
{
    /// <summary>Something is wrong, but no signal says what.</summary>
    Unknown = 0,

    /// <summary>It does not answer: its check or probe fails, or calls to it all fail (its breaker opened on a run of failures).</summary>
    Unavailable = 1,

    /// <summary>It answers, but too many calls fail: its breaker opened on the failure ratio, or an error-rate threshold is crossed.</summary>
    Erroring = 2,

    /// <summary>It answers too slowly: its breaker opened on slow calls, or a latency threshold is crossed.</summary>
    Slow = 3,

    /// <summary>It runs out of something: a CPU, memory, queue, thread or pool threshold is crossed.</summary>
    Saturated = 4,

    /// <summary>A component it depends on is in trouble, and that explains its own (see <see cref="Diagnosis.RootCause"/>).</summary>
    DependencyFailure = 5,

    /// <summary>Only its metrics look wrong: the anomaly detector flagged them, nothing else did.</summary>
    Anomalous = 6,

    /// <summary>It says it is degraded (a check, probe or report), without a more specific signal.</summary>
    Degraded = 7,
}
