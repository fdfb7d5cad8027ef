namespace SelfHealing.Chaos;

/// <summary>
/// Options of fault injection, bound from <c>SelfHealing:Chaos</c>. Off by default: nothing is injected until
/// <see cref="Enabled"/> is true, and setting it back to false (in code or by a configuration reload) stops every
/// active fault at once.
/// </summary>
public sealed class ChaosOptions
{
    /// <summary>Gets or sets whether faults may be injected: the kill switch.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the seed of the draws that decide which calls a fault with an <see cref="ChaosFault.InjectionRate"/> below 1 hits.</summary>
    /// <value>Any number; default <see langword="null"/> (a random seed).</value>
    public int? Seed { get; set; }

    /// <summary>
    /// Gets the standing faults, started when the host starts with <see cref="Enabled"/> true (or when it becomes true)
    /// and stopped when it becomes false; for example a 5 % <see cref="ChaosFaultKind.Exception"/> fault on a breaker in staging.
    /// </summary>
    /// <value>Default none.</value>
    public IList<ChaosFault> Faults { get; } = [];
}
