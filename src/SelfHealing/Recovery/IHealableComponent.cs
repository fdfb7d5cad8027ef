namespace SelfHealing.Recovery;

/// <summary>
/// A component the recovery manager can act on, registered with <c>AddHealableComponent</c> under the name the
/// health monitor knows it by. It declares what it supports in <see cref="Capabilities"/>; the manager never
/// calls a method whose capability is missing (those may throw <see cref="NotSupportedException"/>).
/// <see cref="HealableComponent"/> is a base class with every method unsupported.
/// </summary>
public interface IHealableComponent
{
    /// <summary>Gets what the component supports.</summary>
    RecoveryCapabilities Capabilities { get; }

    /// <summary>Restarts the component.</summary>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>A task that ends when the restart is done.</returns>
    ValueTask RestartAsync(CancellationToken cancellationToken);

    /// <summary>Applies parameter changes.</summary>
    /// <param name="changes">The changes, by parameter name.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>A task that ends when the changes apply.</returns>
    ValueTask ReconfigureAsync(IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken);

    /// <summary>Switches the component's fallback on or off.</summary>
    /// <param name="active">Whether the fallback answers instead of the component.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>A task that ends when the switch is done.</returns>
    ValueTask SetFallbackAsync(bool active, CancellationToken cancellationToken);

    /// <summary>Scales the component's resources (pool sizes, concurrency limits) by a factor.</summary>
    /// <param name="factor">The factor: above 1 grows, below 1 shrinks.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>A task that ends when the resources are changed.</returns>
    ValueTask ScaleAsync(double factor, CancellationToken cancellationToken);

    /// <summary>Saves the component's state.</summary>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>The checkpoint.</returns>
    ValueTask<ComponentCheckpoint> CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Restores a saved state.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops.</param>
    /// <returns>A task that ends when the state is restored.</returns>
    ValueTask RestoreAsync(ComponentCheckpoint checkpoint, CancellationToken cancellationToken);
}
