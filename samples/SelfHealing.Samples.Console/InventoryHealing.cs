using SelfHealing.Recovery;

namespace SelfHealing.Samples.Console;

/// <summary>What the recovery manager may do to the inventory service: restart it.</summary>
public sealed class InventoryHealing(FlakyInventory inventory) : HealableComponent
{
    public override RecoveryCapabilities Capabilities => RecoveryCapabilities.Restart;

    public override ValueTask RestartAsync(CancellationToken cancellationToken) => inventory.RestartAsync(cancellationToken);
}
