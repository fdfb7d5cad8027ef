namespace SelfHealing.Health;

/// <summary>
/// Measures a component declared with <c>AddHealthComponent(name, c =&gt; c.UseProbe&lt;T&gt;())</c>. The monitor
/// resolves it in a fresh service scope for each run, on the component's interval; a probe that throws or runs
/// past <see cref="HealthMonitorOptions.ProbeTimeout"/> counts as a failed run.
/// </summary>
public interface IHealthProbe
{
    /// <summary>Measures the component.</summary>
    /// <param name="cancellationToken">Cancelled at the timeout or when the monitor stops.</param>
    /// <returns>What was measured.</returns>
    ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken);
}
