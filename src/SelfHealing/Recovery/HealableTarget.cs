namespace SelfHealing.Recovery;

/// <summary>
/// A declared healable component as the decision layer holds it. <see cref="Component"/> is resolved in the scope of one
/// run (or one fallback trial) by <see cref="In"/>, never from the root provider.
/// </summary>
internal sealed record HealableTarget(
    string Name,
    HealingLevel Level,
    Func<IServiceProvider, IHealableComponent> Factory,
    Func<CancellationToken, ValueTask<bool>>? Verification,
    string? SharedTarget)
{
    /// <summary>Gets the component resolved for this run; set by <see cref="In"/>.</summary>
    public IHealableComponent Component { get; init; } = null!;

    /// <summary>Creates a target from its registration.</summary>
    public static HealableTarget From(HealableComponentRegistration registration) =>
        new(registration.Name, registration.Level, registration.Factory, registration.Verification, registration.SharedTarget);

    /// <summary>The same target with its component resolved in <paramref name="scope"/>.</summary>
    /// <exception cref="InvalidOperationException">The factory returned <see langword="null"/>.</exception>
    public HealableTarget In(IServiceProvider scope) =>
        this with { Component = Factory(scope) ?? throw new InvalidOperationException($"The healable component '{Name}' was resolved as null.") };
}
