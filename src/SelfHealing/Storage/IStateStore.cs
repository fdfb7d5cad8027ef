namespace SelfHealing.Storage;

/// <summary>
/// Where SelfHealing keeps state that should outlive the process: incidents and recovery statistics,
/// configuration versions, the optimizer's progress. Documents are JSON strings, by key, in named collections.
/// <see cref="InMemoryStateStore"/> is the default; a durable store (for example SQLite) replaces it in DI.
/// Implementations must be safe for concurrent use, and a write that fails must leave the previous document in place.
/// </summary>
public interface IStateStore
{
    /// <summary>Writes a document, replacing any of the same key.</summary>
    /// <param name="collection">The collection, for example <c>recovery.incidents</c>.</param>
    /// <param name="key">The document's key within the collection.</param>
    /// <param name="json">The document.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that ends when the document is stored.</returns>
    ValueTask PutAsync(string collection, string key, string json, CancellationToken cancellationToken = default);

    /// <summary>Reads a document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document, or <see langword="null"/> when there is none.</returns>
    ValueTask<string?> GetAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Reads every document of a collection, ordered by key.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys and documents.</returns>
    ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>Whether there was a document to delete.</returns>
    ValueTask<bool> DeleteAsync(string collection, string key, CancellationToken cancellationToken = default);
}
