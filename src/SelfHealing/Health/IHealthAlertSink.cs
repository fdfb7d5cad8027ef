namespace SelfHealing.Health;

/// <summary>
/// Receives health alerts, added with <c>AddHealthAlertSink&lt;T&gt;(route =&gt; ...)</c>. Each sink has its own
/// queue: a slow or failing sink delays or loses only its own alerts (a failure is logged), never the monitor's
/// checks or the other sinks.
/// </summary>
public interface IHealthAlertSink
{
    /// <summary>Delivers one alert.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancelled when the monitor stops and its stop deadline passes.</param>
    /// <returns>A task that ends when the alert is delivered.</returns>
    ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken);
}
