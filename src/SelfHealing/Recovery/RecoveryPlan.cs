namespace SelfHealing.Recovery;

/// <summary>
/// What to do about one failure type (of one component, or of any): a primary strategy, fallback strategies in
/// order, how often to retry each, and how long to wait between attempts. After the last strategy the incident
/// is escalated (manual intervention).
/// </summary>
public sealed class RecoveryPlan
{
    /// <summary>Gets or sets the failure type the plan answers (see <see cref="FailureTypes"/>, or a type of your own).</summary>
    public string FailureType { get; set; } = FailureTypes.Failed;

    /// <summary>Gets or sets the component the plan is for; <see langword="null"/> for every component.</summary>
    public string? Component { get; set; }

    /// <summary>Gets or sets the first strategy tried.</summary>
    public RecoveryStrategy Primary { get; set; } = RecoveryStrategy.Restart;

    /// <summary>Gets the strategies tried next, in order, when the primary one does not recover the component.</summary>
    public IList<RecoveryStrategy> Fallbacks { get; private set; } = [];

    /// <summary>Gets or sets how many more times a strategy is tried after its first attempt fails.</summary>
    /// <value>Default 1; allowed 0 to 10.</value>
    public int MaxRetries { get; set; } = 1;

    /// <summary>Gets or sets the wait before the first retry.</summary>
    /// <value>Default 1 second; allowed zero to 10 minutes.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how much each further wait grows.</summary>
    /// <value>Default 2; allowed 1 to 10.</value>
    public double BackoffFactor { get; set; } = 2;

    /// <summary>Gets the parameter changes <see cref="RecoveryStrategy.Reconfigure"/> applies.</summary>
    public IDictionary<string, string> Parameters { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the factor <see cref="RecoveryStrategy.ScaleResources"/> applies.</summary>
    /// <value>Default 1.5; allowed above 0 and at most 100.</value>
    public double ScaleFactor { get; set; } = 1.5;

    /// <summary>
    /// Gets or sets whether the manager may reorder the strategies by what has worked best for this failure type
    /// (healing level Advanced or Full, with learning on).
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool PreferLearned { get; set; } = true;

    /// <summary>Gets free-form information about the plan (owner, runbook link...).</summary>
    public IDictionary<string, string> Metadata { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the strategies in the order the plan lists them: the primary one, then the fallbacks, each once.</summary>
    public IReadOnlyList<RecoveryStrategy> Strategies => [.. new[] { Primary }.Concat(Fallbacks).Distinct()];

    internal RecoveryPlan Copy()
    {
        var copy = (RecoveryPlan)MemberwiseClone();
        copy.Fallbacks = [.. Fallbacks];
        copy.Parameters = new Dictionary<string, string>(Parameters, StringComparer.Ordinal);
        copy.Metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Lists every problem, each prefixed with <paramref name="key"/>.</summary>
    internal OptionErrors Check(string key)
    {
        var errors = new OptionErrors(key);
        if (string.IsNullOrWhiteSpace(FailureType))
        {
            errors.Add(nameof(FailureType), "empty", "a failure type");
        }

        if (Component is not null && string.IsNullOrWhiteSpace(Component))
        {
            errors.Add(nameof(Component), "empty", "a component name, or none for every component");
        }

        errors.Defined(nameof(Primary), Primary);
        for (int i = 0; i < Fallbacks.Count; i++)
        {
            errors.Defined($"{nameof(Fallbacks)}:{i}", Fallbacks[i]);
        }

        errors.Range(nameof(MaxRetries), MaxRetries, 0, 10);
        errors.Range(nameof(RetryDelay), RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        errors.Range(nameof(BackoffFactor), BackoffFactor, 1, 10);
        errors.Positive(nameof(ScaleFactor), ScaleFactor, 100);
        return errors;
    }
}
