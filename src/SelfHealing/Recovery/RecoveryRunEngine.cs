using SelfHealing.Configuration;
using SelfHealing.Health;
using SelfHealing.Telemetry;
using SelfHealing.Timing;

namespace SelfHealing.Recovery;

/// <summary>
/// The run engine: carries out one plan on one component for one incident. Each strategy the component supports is
/// tried in order, through the approval gate when it is risky, retried with backoff; each attempt takes a checkpoint,
/// holds the shared target's lease (given back in a <c>finally</c>, whatever happens), acts, verifies within the
/// deadline and rolls back when things got worse. It decides nothing about incidents: it writes to the incident's
/// timeline through <see cref="IRecoveryJournal"/> and returns how the run ended; <see cref="RecoveryManager"/> (the
/// router that turns news into runs) opens and closes incidents.
/// </summary>
internal sealed partial class RecoveryRunEngine
{
    private readonly IHealthView _health;
    private readonly TimeProvider _time;
    private readonly Func<RecoveryOptions> _options;
    private readonly IRecoveryApprovalGate _approval;
    private readonly IRecoveryLeases? _leases;
    private readonly IConfigurationVersions? _configuration;
    private readonly IRecoveryJournal _journal;
    private readonly WorkGauge _work;

    /// <summary>Creates an engine.</summary>
    /// <param name="health">Verification reads the component's health here (after checking it now).</param>
    /// <param name="time">The clock: retry delays, verification intervals and deadlines.</param>
    /// <param name="options">The options in force, read again at every step.</param>
    /// <param name="approval">Approves risky actions.</param>
    /// <param name="leases">Leases on shared targets; none (act without asking) when <see langword="null"/>.</param>
    /// <param name="configuration">Applies and rolls back a plan's parameters; none when <see langword="null"/>.</param>
    /// <param name="journal">Where the run's timeline and outcomes go.</param>
    /// <param name="work">Counts the run's work; the engine's waits on the clock or a person do not count.</param>
    public RecoveryRunEngine(
        IHealthView health,
        TimeProvider time,
        Func<RecoveryOptions> options,
        IRecoveryApprovalGate approval,
        IRecoveryLeases? leases,
        IConfigurationVersions? configuration,
        IRecoveryJournal journal,
        WorkGauge work)
    {
        _health = health;
        _time = time;
        _options = options;
        _approval = approval;
        _leases = leases;
        _configuration = configuration;
        _journal = journal;
        _work = work;
    }

    /// <summary>Gets or sets the instruments attempts are recorded to.</summary>
    public SelfHealingInstrumentation Instrumentation { get; set; } = SelfHealingInstrumentation.Shared;

    /// <summary>
    /// Runs <paramref name="plan"/> on <paramref name="target"/> (its component resolved for this run) until an attempt
    /// recovers it or the plan is exhausted.
    /// </summary>
    /// <param name="record">The incident the run belongs to.</param>
    /// <param name="target">The component, resolved in the run's scope.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="before">The component's level before acting; an attempt that leaves it worse is rolled back.</param>
    /// <param name="stopping">Cancelled when the manager stops.</param>
    /// <returns>How the run ended; the caller closes the incident with it.</returns>
    public async Task<RunOutcome> RunPlanAsync(IncidentRecord record, HealableTarget target, RecoveryPlan plan, HealthLevel before, CancellationToken stopping)
    {
        var skipped = new List<string>();
        foreach (RecoveryStrategy strategy in plan.Strategies)
        {
            if (strategy == RecoveryStrategy.ManualIntervention)
            {
                break;
            }

            if (!target.Component.Capabilities.HasFlag(Capability(strategy)) && !(strategy == RecoveryStrategy.Reconfigure && ThroughConfiguration(plan)))
            {
                skipped.Add($"{strategy} (not supported)");
                _journal.Note(record, "action", $"{strategy} skipped: {target.Name} does not support it");
                continue;
            }

            RiskLevel risk = _options().RiskOf(strategy);
            if (risk > _options().AutoApproveUpTo && !await ApproveAsync(record, strategy, risk, stopping).ConfigureAwait(false))
            {
                skipped.Add($"{strategy} (not approved)");
                continue;
            }

            TimeSpan delay = plan.RetryDelay;
            for (int attempt = 1; attempt <= plan.MaxRetries + 1; attempt++)
            {
                RecoveryOptions options = _options();
                if (!options.AutomaticRecovery)
                {
                    return new RunOutcome(IncidentStatus.Escalated, "automatic recovery was switched off during the recovery: a human has to act.");
                }

                if (await AttemptAsync(new PlannedAttempt(record, target, plan, strategy, attempt, risk, before, options), stopping).ConfigureAwait(false))
                {
                    string? other = record.Current.Attempts[^1].LeftTo;
                    return new RunOutcome(IncidentStatus.Resolved, $"{target.Name} recovered after {strategy}{(other is null ? "" : $" by {other}")} (attempt {attempt}).")
                    {
                        FallbackLeftOn = strategy == RecoveryStrategy.Fallback && other is null,
                    };
                }

                if (attempt <= plan.MaxRetries)
                {
                    await _work.WhileParkedAsync(Task.Delay(delay, _time, stopping)).ConfigureAwait(false);
                    delay *= plan.BackoffFactor;
                }
            }
        }

        string tried = string.Join(", ", record.Current.Attempts.Select(a => $"{a.Strategy} #{a.Attempt}"));
        return new RunOutcome(IncidentStatus.Escalated, $"nothing recovered {target.Name} (tried: {(tried.Length == 0 ? "nothing" : tried)}"
            + (skipped.Count == 0 ? "" : $"; skipped: {string.Join(", ", skipped)}") + "): a human has to act.");
    }

    /// <summary>Tells whether a component counts as recovered now: its verification delegate, or the health view after checking it now.</summary>
    public async ValueTask<bool> IsRecoveredAsync(string component, CancellationToken cancellationToken)
    {
        if (_journal.VerificationOf(component) is { } verify)
        {
            return await verify(cancellationToken).ConfigureAwait(false);
        }

        await _health.CheckNowAsync(component).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (_health.GetHealth(component)?.Level ?? HealthLevel.Healthy) <= _options().RecoveredLevel;
    }

    /// <summary>Checks the component now, then every verification interval, until it counts as recovered or the deadline passes.</summary>
    public async Task<bool> VerifyAsync(string component, RecoveryOptions options, CancellationToken stopping)
    {
        long started = _time.GetTimestamp();
        while (true)
        {
            if (await IsRecoveredAsync(component, stopping).ConfigureAwait(false))
            {
                return true;
            }

            if (_time.GetElapsedTime(started) + options.VerificationInterval > options.VerificationTimeout)
            {
                return false;
            }

            await _work.WhileParkedAsync(Task.Delay(options.VerificationInterval, _time, stopping)).ConfigureAwait(false);
        }
    }

    // A plan's parameters that are all adaptive parameters are applied through the adaptive configuration.
    private bool ThroughConfiguration(RecoveryPlan plan) =>
        _configuration is not null && plan.Parameters.Count > 0 && plan.Parameters.Keys.All(k => _configuration.Current.Values.ContainsKey(k));

    private static RecoveryCapabilities Capability(RecoveryStrategy strategy) => strategy switch
    {
        RecoveryStrategy.Restart => RecoveryCapabilities.Restart,
        RecoveryStrategy.Reconfigure => RecoveryCapabilities.Reconfigure,
        RecoveryStrategy.Fallback => RecoveryCapabilities.Fallback,
        RecoveryStrategy.ScaleResources => RecoveryCapabilities.ScaleResources,
        _ => RecoveryCapabilities.None,
    };

    private static ValueTask ActAsync(IHealableComponent component, RecoveryStrategy strategy, RecoveryPlan plan, CancellationToken stopping) => strategy switch
    {
        RecoveryStrategy.Restart => component.RestartAsync(stopping),
        RecoveryStrategy.Reconfigure => component.ReconfigureAsync(plan.Parameters.AsReadOnly(), stopping),
        RecoveryStrategy.Fallback => component.SetFallbackAsync(true, stopping),
        RecoveryStrategy.ScaleResources => component.ScaleAsync(plan.ScaleFactor, stopping),
        _ => throw new InvalidOperationException($"{strategy} is not an action."),
    };

    private async Task<bool> ApproveAsync(IncidentRecord record, RecoveryStrategy strategy, RiskLevel risk, CancellationToken stopping)
    {
        RecoveryOptions options = _options();
        _journal.Note(record, "approval", $"{strategy} is {risk} risk: asking for approval");
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bool approved;
        try
        {
            approved = await _work.WhileParkedAsync(_approval.ApproveAsync(new RecoveryApprovalRequest(record.Current, strategy, risk), timeout.Token)
                .AsTask().WaitAsync(options.ApprovalTimeout, _time, stopping)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            _journal.Note(record, "approval", $"{strategy} not approved within {options.ApprovalTimeout}: denied");
            return false;
        }

        _journal.Note(record, "approval", approved ? $"{strategy} approved" : $"{strategy} denied");
        return approved;
    }

    /// <summary>One attempt as the run planned it: the incident, the component, the plan and strategy, the attempt's number, its risk, the level before, the options then.</summary>
    private readonly record struct PlannedAttempt(
        IncidentRecord Record, HealableTarget Target, RecoveryPlan Plan, RecoveryStrategy Strategy, int Number, RiskLevel Risk, HealthLevel Before, RecoveryOptions Options);
}

/// <summary>How a run of a plan ended: the incident's status and closing message.</summary>
/// <param name="Status">Resolved or escalated.</param>
/// <param name="Message">The closing entry of the incident's timeline.</param>
internal readonly record struct RunOutcome(IncidentStatus Status, string Message)
{
    /// <summary>Gets whether this replica recovered the component by switching its fallback on (which stays on for now).</summary>
    public bool FallbackLeftOn { get; init; }
}
