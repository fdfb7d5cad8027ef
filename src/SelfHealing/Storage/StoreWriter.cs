using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;

namespace SelfHealing.Storage;

/// <summary>
/// Writes documents to an <see cref="IStateStore"/> in the background, one writer, coalescing: the latest value
/// of each document (an object serialized as JSON, or <see langword="null"/> to delete it) replaces an earlier one
/// not written yet, so a burst of changes costs one write. A failed write is reported to the owner and dropped.
/// </summary>
internal sealed class StoreWriter(IStateStore store, JsonSerializerOptions json, Action<Exception, string, string> failed)
{
    private readonly ConcurrentDictionary<(string Collection, string Key), object?> _dirty = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Queues the latest value of a document; <see langword="null"/> deletes it.</summary>
    public void Put(string collection, string key, object? value)
    {
        _dirty[(collection, key)] = value;
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Writes what is queued and stops.</summary>
    public Task CompleteAsync()
    {
        _wake.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        await foreach (bool _ in _wake.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await FlushAsync().ConfigureAwait(false);
        }

        await FlushAsync().ConfigureAwait(false); // what came with the last wake-up
    }

    private async Task FlushAsync()
    {
        foreach ((string collection, string key) in _dirty.Keys)
        {
            if (!_dirty.TryRemove((collection, key), out object? value))
            {
                continue;
            }

            try
            {
                if (value is null)
                {
                    await store.DeleteAsync(collection, key).ConfigureAwait(false);
                }
                else
                {
                    await store.PutAsync(collection, key, JsonSerializer.Serialize(value, value.GetType(), json)).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // A store that fails loses this write, reported; the owner goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed(ex, collection, key);
            }
        }
    }
}
