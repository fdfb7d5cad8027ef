using SelfHealing.Health;

namespace SelfHealing.Recovery;

/// <summary>
/// Options of the <see cref="RecoveryManager"/>, bound from <c>SelfHealing:Recovery</c>. The three switches
/// (<see cref="AutomaticRecovery"/>, <see cref="Rollback"/>, <see cref="Learning"/>) are read on every decision,
/// so a configuration reload turns a capability off at runtime ("monitoring first, automation later").
/// </summary>
public sealed class RecoveryOptions
{
    /// <summary>Gets or sets whether the manager acts. Off, it still opens, diagnoses and escalates incidents.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool AutomaticRecovery { get; set; } = true;

    /// <summary>Gets or sets whether a checkpoint is taken before a risky action and restored when the action made things worse.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Rollback { get; set; } = true;

    /// <summary>Gets or sets whether outcomes are recorded and plans reordered by what has worked best.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Learning { get; set; } = true;

    /// <summary>Gets or sets the level at which the health monitor's news starts a recovery.</summary>
    /// <value>Default <see cref="HealthLevel.Critical"/>; allowed Degraded, Critical or Failed.</value>
    public HealthLevel TriggerLevel { get; set; } = HealthLevel.Critical;

    /// <summary>Gets or sets the worst level at which a component counts as recovered.</summary>
    /// <value>Default <see cref="HealthLevel.Healthy"/>; allowed below <see cref="TriggerLevel"/>.</value>
    public HealthLevel RecoveredLevel { get; set; } = HealthLevel.Healthy;

    /// <summary>Gets or sets how long an action has to show the component recovered.</summary>
    /// <value>Default 30 seconds; allowed 10 milliseconds to 1 hour.</value>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often verification checks the component.</summary>
    /// <value>Default 1 second; allowed 10 milliseconds to 10 minutes.</value>
    public TimeSpan VerificationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the riskiest level that runs without asking the approval gate.</summary>
    /// <value>Default <see cref="RiskLevel.Medium"/>.</value>
    public RiskLevel AutoApproveUpTo { get; set; } = RiskLevel.Medium;

    /// <summary>Gets or sets how long the approval gate may take before the action counts as denied.</summary>
    /// <value>Default 5 minutes; allowed 10 milliseconds to 1 day.</value>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the risk of each strategy; missing ones take Fallback Low, ScaleResources High, the others Medium.</summary>
    public IDictionary<RecoveryStrategy, RiskLevel> Risks { get; private set; } = new Dictionary<RecoveryStrategy, RiskLevel>();

    /// <summary>
    /// Gets or sets how long a fallback that recovery switched on stays on before the manager tries the component
    /// without it: it switches the fallback off and verifies; if the component does not work, the fallback goes back on
    /// and the next try waits twice as long (at most a day). Zero keeps the fallback on until someone switches it off.
    /// </summary>
    /// <value>Default 5 minutes; allowed 0 to 1 day.</value>
    public TimeSpan FallbackReturnAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a recovery waits, before acting on a component that has dependencies and no troubled
    /// upstream yet, for trouble upstream to show (each component is checked on its own interval, so a dependency's
    /// trouble may be seen a check after its dependents'). If a dependency is in trouble by then, the incident names it
    /// as the root cause and waits for its recovery instead of acting. Zero acts at once. Set it to about twice the
    /// longest check interval of the dependencies.
    /// </summary>
    /// <value>Default 1 second; allowed 0 to 10 minutes.</value>
    public TimeSpan CorrelationWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how far back diagnosis looks for related events.</summary>
    /// <value>Default 5 minutes; allowed 1 second to 1 day.</value>
    public TimeSpan DiagnosisWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many closed incidents are kept (in memory and in the store).</summary>
    /// <value>Default 1,000; allowed 1 to 1,000,000.</value>
    public int IncidentHistory { get; set; } = 1000;

    /// <summary>Gets or sets how many attempts of a strategy for a failure type it takes before learning reorders by it.</summary>
    /// <value>Default 3; allowed 1 to 1,000.</value>
    public int MinimumSamplesToLearn { get; set; } = 3;

    /// <summary>
    /// Gets the recovery plans (also added with <c>AddRecoveryPlan</c>, and at runtime with
    /// <see cref="RecoveryManager.AddPlan"/>). A component's own plan for a failure type wins over a plan for
    /// every component; without either, the default plan restarts, then falls back, then escalates.
    /// </summary>
    public IList<RecoveryPlan> Plans { get; private set; } = [];

    /// <summary>The risk of a strategy under these options.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>Its risk.</returns>
    public RiskLevel RiskOf(RecoveryStrategy strategy) => Risks.TryGetValue(strategy, out RiskLevel risk) ? risk : strategy switch
    {
        RecoveryStrategy.Fallback => RiskLevel.Low,
        RecoveryStrategy.ScaleResources => RiskLevel.High,
        _ => RiskLevel.Medium,
    };

    internal RecoveryOptions Copy()
    {
        var copy = (RecoveryOptions)MemberwiseClone();
        copy.Risks = new Dictionary<RecoveryStrategy, RiskLevel>(Risks);
        copy.Plans = [.. Plans.Select(p => p.Copy())];
        return copy;
    }
}
