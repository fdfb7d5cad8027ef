using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SelfHealing.Telemetry;

namespace SelfHealing.OpenTelemetry;

/// <summary>Adds SelfHealing's meters and activity sources to OpenTelemetry's providers.</summary>
public static class SelfHealingInstrumentationExtensions
{
    /// <summary>
    /// Exports every SelfHealing instrument: breaker calls, their duration and states; health levels; incidents opened,
    /// closed and their duration; recovery actions and their duration; configuration changes and rollbacks; the
    /// metrics collector's own instruments. Names are listed in <see cref="SelfHealingMeter"/>.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddSelfHealingInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(SelfHealingMeter.Name);
    }

    /// <summary>
    /// Traces every incident as one trace: a span from its opening to its closing, linked to the span where the
    /// trouble was reported, with a child span per recovery action and an event per timeline entry (names in
    /// <see cref="SelfHealingActivitySource"/>).
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <param name="configure">Sets what is traced besides incidents; nothing else when <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TracerProviderBuilder AddSelfHealingInstrumentation(this TracerProviderBuilder builder, Action<SelfHealingTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SelfHealingTracingOptions();
        configure?.Invoke(options);
        builder.AddSource(SelfHealingActivitySource.Name);
        if (options.RecordRejectedCalls)
        {
            builder.AddSource(SelfHealingActivitySource.RejectionsName);
        }

        return builder;
    }
}
