namespace SelfHealing.Recovery;

/// <summary>
/// A base for <see cref="IHealableComponent"/>: override what the component supports and list it in
/// <see cref="Capabilities"/>; everything else throws <see cref="NotSupportedException"/>.
/// </summary>
public abstract class HealableComponent : IHealableComponent
{
    /// <inheritdoc />
    public abstract RecoveryCapabilities Capabilities { get; }

    /// <inheritdoc />
    public virtual ValueTask RestartAsync(CancellationToken cancellationToken) => throw Unsupported(RecoveryCapabilities.Restart);

    /// <inheritdoc />
    public virtual ValueTask ReconfigureAsync(IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken) =>
        throw Unsupported(RecoveryCapabilities.Reconfigure);

    /// <inheritdoc />
    public virtual ValueTask SetFallbackAsync(bool active, CancellationToken cancellationToken) => throw Unsupported(RecoveryCapabilities.Fallback);

    /// <inheritdoc />
    public virtual ValueTask ScaleAsync(double factor, CancellationToken cancellationToken) => throw Unsupported(RecoveryCapabilities.ScaleResources);

    /// <inheritdoc />
    public virtual ValueTask<ComponentCheckpoint> CheckpointAsync(CancellationToken cancellationToken) => throw Unsupported(RecoveryCapabilities.Checkpoint);

    /// <inheritdoc />
    public virtual ValueTask RestoreAsync(ComponentCheckpoint checkpoint, CancellationToken cancellationToken) => throw Unsupported(RecoveryCapabilities.Checkpoint);

    private NotSupportedException Unsupported(RecoveryCapabilities capability) =>
        new($"{GetType().Name} does not support {capability}.");
}
