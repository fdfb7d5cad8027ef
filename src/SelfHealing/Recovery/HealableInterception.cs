namespace SelfHealing.Recovery;

/// <summary>
/// The seam fault injection (the SelfHealing.Chaos package) plugs into recovery with: each healable component is wrapped
/// by it, so a restart by the recovery manager ends the faults a restart cures.
/// </summary>
internal interface IHealableInterception
{
    /// <summary>Wraps a healable component.</summary>
    /// <param name="name">The component's name.</param>
    /// <param name="component">The component.</param>
    /// <returns>The wrapped component.</returns>
    IHealableComponent Wrap(string name, IHealableComponent component);
}

/// <summary>Applies an <see cref="IHealableInterception"/> to the registrations the recovery manager gets.</summary>
internal static class HealableInterception
{
    /// <summary>Wraps every registration's factory, or returns them as they are without an interception.</summary>
    /// <param name="interception">The interception, if any.</param>
    /// <param name="registrations">The registrations.</param>
    /// <returns>The registrations the recovery manager uses.</returns>
    public static IEnumerable<HealableComponentRegistration> Apply(IHealableInterception? interception, IEnumerable<HealableComponentRegistration> registrations) =>
        interception is null
            ? registrations
            : registrations.Select(r => r with { Factory = sp => interception.Wrap(r.Name, r.Factory(sp)) });
}
