namespace SelfHealing.CircuitBreakers;

/// <summary>
/// The seam fault injection (the SelfHealing.Chaos package) plugs into breakers with: a breaker asks it before each call
/// while any call fault is armed, one volatile read otherwise.
/// </summary>
internal abstract class CallFaults
{
    private volatile bool _armed;

    /// <summary>Gets whether any fault that acts on calls is active; breakers skip <see cref="BeforeCallAsync"/> otherwise.</summary>
    public bool IsArmed => _armed;

    /// <summary>Runs before a call to <paramref name="target"/>: may delay, throw, or give the result the call returns instead.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <param name="resultType">The type the call returns, so an error result of that type can be given.</param>
    /// <param name="cancellationToken">The call's token (cancelled by the breaker's timeout).</param>
    /// <returns>A result to return instead of running the call, or <see langword="null"/> to run it.</returns>
    public abstract ValueTask<object?> BeforeCallAsync(string target, Type resultType, CancellationToken cancellationToken);

    /// <summary>Sets whether any call fault is active.</summary>
    /// <param name="armed">Whether breakers must ask.</param>
    protected void SetArmed(bool armed) => _armed = armed;
}
