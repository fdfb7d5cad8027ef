using SelfHealing.Recovery;

namespace SelfHealing.Chaos;

/// <summary>A healable component as the recovery manager sees it with chaos on: a restart that succeeds ends the faults that kill it.</summary>
internal sealed class ChaosHealableComponent(string name, IHealableComponent inner, ChaosInjector injector) : IHealableComponent
{
    public RecoveryCapabilities Capabilities => inner.Capabilities;

    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        await inner.RestartAsync(cancellationToken).ConfigureAwait(false);
        injector.Restarted(name);
    }

    public ValueTask ReconfigureAsync(IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken) => inner.ReconfigureAsync(changes, cancellationToken);

    public ValueTask SetFallbackAsync(bool active, CancellationToken cancellationToken) => inner.SetFallbackAsync(active, cancellationToken);

    public ValueTask ScaleAsync(double factor, CancellationToken cancellationToken) => inner.ScaleAsync(factor, cancellationToken);

    public ValueTask<ComponentCheckpoint> CheckpointAsync(CancellationToken cancellationToken) => inner.CheckpointAsync(cancellationToken);

    public ValueTask RestoreAsync(ComponentCheckpoint checkpoint, CancellationToken cancellationToken) => inner.RestoreAsync(checkpoint, cancellationToken);
}
