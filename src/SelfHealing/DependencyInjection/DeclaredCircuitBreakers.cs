namespace SelfHealing.DependencyInjection;

/// <summary>The breaker names declared with <c>AddCircuitBreaker</c>; they are created when the host starts.</summary>
internal sealed class DeclaredCircuitBreakers
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names
    {
        get
        {
            lock (_names)
            {
                return [.. _names];
            }
        }
    }

    /// <summary>Adds a name; returns false when it was declared already.</summary>
    public bool Add(string name)
    {
        lock (_names)
        {
            return _names.Add(name);
        }
    }
}
