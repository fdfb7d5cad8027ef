using SelfHealing.Recovery;

namespace SelfHealing;

/// <summary>
/// The seam fault injection (the SelfHealing.Chaos package) plugs into. A breaker asks it before each call while any
/// call fault is armed (one volatile read otherwise), and each healable component is wrapped by it, so a restart by the
/// recovery manager ends the faults a restart cures.
/// </summary>
internal abstract class FaultInjection
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

    /// <summary>Wraps a healable component so that its restart ends the faults a restart cures.</summary>
    /// <param name="name">The component's name.</param>
    /// <param name="component">The component.</param>
    /// <returns>The wrapped component.</returns>
    public abstract IHealableComponent Wrap(string name, IHealableComponent component);

    /// <summary>Sets whether any call fault is active.</summary>
    /// <param name="armed">Whether breakers must ask.</param>
    protected void SetArmed(bool armed) => _armed = armed;

    /// <summary>Wraps every registration's factory with <see cref="Wrap"/>, or returns them as they are without injection.</summary>
    /// <param name="faults">The injection, if any.</param>
    /// <param name="registrations">The registrations.</param>
    /// <returns>The registrations the recovery manager uses.</returns>
    internal static IEnumerable<HealableComponentRegistration> Apply(FaultInjection? faults, IEnumerable<HealableComponentRegistration> registrations) =>
        faults is null
            ? registrations
            : registrations.Select(r => r with { Factory = sp => faults.Wrap(r.Name, r.Factory(sp)) });
}
