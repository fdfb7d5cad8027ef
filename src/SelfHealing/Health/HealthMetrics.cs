namespace SelfHealing.Health;

/// <summary>
/// What a component probe (or a component reporting on its own) measured. Every value is optional; thresholds
/// name them by <see cref="HealthMetricNames"/>, custom values by their own names.
/// </summary>
public sealed class HealthMetrics
{
    /// <summary>Gets the CPU the component uses, in percent (0 to 100 per core the component may use).</summary>
    public double? CpuPercent { get; init; }

    /// <summary>Gets the memory the component uses, in percent of what it may use.</summary>
    public double? MemoryPercent { get; init; }

    /// <summary>Gets the component's response time (thresholds compare milliseconds).</summary>
    public TimeSpan? ResponseTime { get; init; }

    /// <summary>Gets the share of failed operations, from 0 to 1.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>Gets the operations per second.</summary>
    public double? Throughput { get; init; }

    /// <summary>Gets further values by name (queue depth, pool use...).</summary>
    public IReadOnlyDictionary<string, double> Custom { get; init; } = new Dictionary<string, double>();

    /// <summary>Lists every value set, by its threshold name; NaN and infinities are left out.</summary>
    /// <returns>The values.</returns>
    public IEnumerable<KeyValuePair<string, double>> Values()
    {
        if (CpuPercent is { } cpu && double.IsFinite(cpu))
        {
            yield return new(HealthMetricNames.Cpu, cpu);
        }

        if (MemoryPercent is { } memory && double.IsFinite(memory))
        {
            yield return new(HealthMetricNames.Memory, memory);
        }

        if (ResponseTime is { } response)
        {
            yield return new(HealthMetricNames.ResponseTime, response.TotalMilliseconds);
        }

        if (ErrorRate is { } errors && double.IsFinite(errors))
        {
            yield return new(HealthMetricNames.ErrorRate, errors);
        }

        if (Throughput is { } throughput && double.IsFinite(throughput))
        {
            yield return new(HealthMetricNames.Throughput, throughput);
        }

        foreach (KeyValuePair<string, double> custom in Custom)
        {
            if (double.IsFinite(custom.Value))
            {
                yield return custom;
            }
        }
    }
}
