using System.Collections.Concurrent;

namespace SelfHealing.Storage;

/// <summary>The default <see cref="IStateStore"/>: documents in memory, lost when the process ends.</summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _collections = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask PutAsync(string collection, string key, string json, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        ArgumentNullException.ThrowIfNull(json);
        cancellationToken.ThrowIfCancellationRequested();
        _collections.GetOrAdd(collection, static _ => new(StringComparer.Ordinal))[key] = json;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_collections.TryGetValue(collection, out var documents) && documents.TryGetValue(key, out string? json) ? json : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(string collection, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, "list");
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<KeyValuePair<string, string>> documents = _collections.TryGetValue(collection, out var found)
            ? [.. found.OrderBy(d => d.Key, StringComparer.Ordinal)]
            : [];
        return ValueTask.FromResult(documents);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_collections.TryGetValue(collection, out var documents) && documents.TryRemove(key, out _));
    }
}
