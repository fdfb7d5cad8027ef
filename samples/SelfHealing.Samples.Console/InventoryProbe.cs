using SelfHealing.Health;

namespace SelfHealing.Samples.Console;

/// <summary>Measures the inventory service: the share of its calls that failed since the previous probe.</summary>
public sealed class InventoryProbe(FlakyInventory inventory) : IHealthProbe
{
    private int _served;
    private int _failed;

    public ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken)
    {
        (int served, int failed) = (inventory.Served, inventory.Failed);
        int calls = served - _served + (failed - _failed);
        double? errorRate = calls == 0 ? null : (failed - _failed) / (double)calls; // no calls, no news
        (_served, _failed) = (served, failed);
        return ValueTask.FromResult(new HealthMetrics { ErrorRate = errorRate });
    }
}
