namespace SelfHealing.OpenTelemetry;

/// <summary>What <see cref="SelfHealingInstrumentationExtensions.AddSelfHealingInstrumentation(global::OpenTelemetry.Trace.TracerProviderBuilder, System.Action{SelfHealingTracingOptions}?)"/> traces besides incidents.</summary>
public sealed class SelfHealingTracingOptions
{
    /// <summary>
    /// Gets or sets whether a breaker that rejects a call adds a <c>selfhealing.circuit.rejected</c> event (with the
    /// breaker's name and state) to the caller's current span, when that span is recorded.
    /// </summary>
    /// <value>Default <see langword="false"/>: an open breaker rejects many calls, and each event costs an allocation.</value>
    public bool RecordRejectedCalls { get; set; }
}
