namespace SelfHealing.Storage;

/// <summary>The argument rules every <see cref="IStateStore"/> applies, with the same messages.</summary>
public static class StateStoreArguments
{
    /// <summary>Throws when the collection or key is empty or longer than 200 characters.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">Either is empty, white space, or too long.</exception>
    public static void Check(string collection, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (collection.Length > 200)
        {
            throw new ArgumentException($"The collection name is {collection.Length} characters long; allowed: at most 200.", nameof(collection));
        }

        if (key.Length > 200)
        {
            throw new ArgumentException($"The key is {key.Length} characters long; allowed: at most 200.", nameof(key));
        }
    }
}
