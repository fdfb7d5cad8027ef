using SelfHealing.Recovery;
using SelfHealing.Storage;

namespace SelfHealing.Supervision;

/// <summary>
/// A supervised worker as the recovery manager sees it: Restart restarts it (or the supervisor above it that
/// gave up); a checkpoint is its last stored state, and restoring puts that state back for its next start.
/// </summary>
internal sealed class SupervisedComponent(SupervisionTree tree, IStateStore store, TimeProvider time, string name) : HealableComponent
{
    public override RecoveryCapabilities Capabilities => RecoveryCapabilities.Restart | RecoveryCapabilities.Checkpoint;

    public override ValueTask RestartAsync(CancellationToken cancellationToken) => new(tree.RestartAsync(name, cancellationToken));

    public override async ValueTask<ComponentCheckpoint> CheckpointAsync(CancellationToken cancellationToken) =>
        new(name, time.GetUtcNow(), await store.GetAsync(WorkerContext.StateCollection, name, cancellationToken).ConfigureAwait(false));

    public override async ValueTask RestoreAsync(ComponentCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.State is string json)
        {
            await store.PutAsync(WorkerContext.StateCollection, name, json, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.DeleteAsync(WorkerContext.StateCollection, name, cancellationToken).ConfigureAwait(false);
        }
    }
}
