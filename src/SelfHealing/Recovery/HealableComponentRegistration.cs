namespace SelfHealing.Recovery;

/// <summary>A healable component as registered by <c>AddHealableComponent</c>.</summary>
/// <param name="Name">The component's name, as the health monitor knows it.</param>
/// <param name="Level">Its healing level.</param>
/// <param name="Factory">Creates (or resolves) the component when the manager starts.</param>
/// <param name="Verification">Tells whether the component recovered, instead of the health monitor; none when <see langword="null"/>.</param>
public sealed record HealableComponentRegistration(
    string Name,
    HealingLevel Level,
    Func<IServiceProvider, IHealableComponent> Factory,
    Func<CancellationToken, ValueTask<bool>>? Verification = null)
{
    /// <summary>
    /// Gets the shared target this component stands for on every replica (<see cref="HealableComponentBuilder.SharedAs"/>);
    /// <see langword="null"/> when it is this replica's own.
    /// </summary>
    public string? SharedTarget { get; init; }
}
