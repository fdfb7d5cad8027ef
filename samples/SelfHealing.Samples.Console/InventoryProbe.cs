using SelfHealing.Health;

namespace SelfHealing.Samples.Console;

/// <summary>Measures the inventory service by pinging it: an error rate of 0 or 1, and the ping's time.</summary>
public sealed class InventoryProbe(FlakyInventory inventory, TimeProvider time) : IHealthProbe
{
    public async ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        bool works = await inventory.PingAsync(cancellationToken);
        return new HealthMetrics { ErrorRate = works ? 0 : 1, ResponseTime = time.GetElapsedTime(started) };
    }
}
