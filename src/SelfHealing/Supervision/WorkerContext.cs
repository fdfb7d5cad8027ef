using System.Text.Json;
using SelfHealing.Storage;

namespace SelfHealing.Supervision;

/// <summary>
/// What a supervised worker is handed at each start: who it is, how often it was restarted, why it last failed,
/// and the last state it checkpointed (kept in the app's <see cref="IStateStore"/>, so it outlives the process with
/// a durable store).
/// </summary>
public sealed class WorkerContext
{
    /// <summary>The store collection that holds each worker's last checkpoint, by worker name.</summary>
    public const string StateCollection = "supervision.state";

    private readonly IStateStore _store;
    private string? _state;

    internal WorkerContext(string name, string supervisor, int restarts, Exception? lastFailure, string? state, IStateStore store, IServiceProvider services)
    {
        Name = name;
        Supervisor = supervisor;
        Restarts = restarts;
        LastFailure = lastFailure;
        _state = state;
        _store = store;
        Services = services;
    }

    /// <summary>Gets the worker's name.</summary>
    public string Name { get; }

    /// <summary>Gets the name of the supervisor it runs under.</summary>
    public string Supervisor { get; }

    /// <summary>Gets how many times the worker was restarted before this start (0 at the first start).</summary>
    public int Restarts { get; }

    /// <summary>Gets the exception the worker's previous run failed with, or <see langword="null"/>.</summary>
    public Exception? LastFailure { get; }

    /// <summary>Gets the app's services (for a worker declared as a delegate).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets whether a checkpointed state exists.</summary>
    public bool HasState => Volatile.Read(ref _state) is not null;

    /// <summary>Reads the last state the worker checkpointed (read from the store before this start).</summary>
    /// <typeparam name="T">The state's type, as checkpointed.</typeparam>
    /// <param name="options">How the state was serialized; default <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <returns>The state, or <see langword="default"/> when none was checkpointed.</returns>
    /// <exception cref="JsonException">The stored state is not a <typeparamref name="T"/>.</exception>
    public T? GetState<T>(JsonSerializerOptions? options = null) =>
        Volatile.Read(ref _state) is { } json ? JsonSerializer.Deserialize<T>(json, options ?? JsonSerializerOptions.Default) : default;

    /// <summary>
    /// Stores the worker's state; once the returned task completes the state is acknowledged: the next start of this
    /// worker (after a failure, a restart of its supervisor, or of the process with a durable store) is handed it.
    /// </summary>
    /// <typeparam name="T">The state's type.</typeparam>
    /// <param name="state">The state; serialized to JSON.</param>
    /// <param name="cancellationToken">Cancels the write (the previous state stays).</param>
    /// <returns>A task that completes when the store has written the state.</returns>
    public ValueTask CheckpointAsync<T>(T state, CancellationToken cancellationToken = default) => CheckpointAsync(state, null, cancellationToken);

    /// <summary>Stores the worker's state, serialized with <paramref name="options"/>; see <see cref="CheckpointAsync{T}(T, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The state's type.</typeparam>
    /// <param name="state">The state; serialized to JSON.</param>
    /// <param name="options">How to serialize it; <see langword="null"/> for <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the write (the previous state stays).</param>
    /// <returns>A task that completes when the store has written the state.</returns>
    public async ValueTask CheckpointAsync<T>(T state, JsonSerializerOptions? options, CancellationToken cancellationToken = default)
    {
        string json = JsonSerializer.Serialize(state, options ?? JsonSerializerOptions.Default);
        await _store.PutAsync(StateCollection, Name, json, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _state, json);
    }

    /// <summary>Deletes the worker's state: the next start is handed none.</summary>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task that completes when the state is gone.</returns>
    public async ValueTask ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await _store.DeleteAsync(StateCollection, Name, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _state, null);
    }
}
