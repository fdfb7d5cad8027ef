namespace SelfHealing.Supervision;

/// <summary>
/// A long-running part of the service that a supervisor starts, watches and restarts (a queue consumer, a
/// scheduler, a poller). A new instance is created, with its dependencies, for every start, and disposed when it
/// ends if it is disposable; what must survive a restart goes through <see cref="WorkerContext.CheckpointAsync{T}(T, CancellationToken)"/>.
/// </summary>
public interface ISupervisedWorker
{
    /// <summary>
    /// Does the worker's job until <paramref name="stoppingToken"/> is cancelled. Throwing is a failure (the
    /// supervisor restarts it as its policy says); returning is the end of its job.
    /// </summary>
    /// <param name="context">The worker's name, restart count and last checkpointed state.</param>
    /// <param name="stoppingToken">Cancelled when the worker is stopped: by the host, by its supervisor, or for a pause.</param>
    /// <returns>A task that ends when the worker does.</returns>
    Task RunAsync(WorkerContext context, CancellationToken stoppingToken);
}
