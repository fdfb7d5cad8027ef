using System.Diagnostics;
using System.Globalization;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    /// <summary>
    /// Recovers a component now (as if the monitor had reported it) and waits for the run to end; joins the run
    /// already going for it, if any.
    /// </summary>
    /// <param name="component">The component.</param>
    /// <param name="failureType">The failure type (see <see cref="FailureTypes"/>).</param>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>The incident as the run left it.</returns>
    /// <exception cref="InvalidOperationException">The manager is not running.</exception>
    public async Task<Incident> RecoverAsync(string component, string failureType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(failureType);
        if (Volatile.Read(ref _started) != 1)
        {
            throw new InvalidOperationException("The recovery manager is not running.");
        }

        RecoveryRun? run = Trigger(component, failureType, null, null, $"recovery of {component} requested ({failureType})", Activity.Current?.Context ?? default);
        if (run is null)
        {
            throw new InvalidOperationException("The recovery manager is not running.");
        }

        await run.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return run.Record.Current;
    }

    /// <summary>A task that ends when no recovery of the component is running.</summary>
    internal Task WhenIdle(string component)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(component, out RecoveryRun? run) ? run.Completion : Task.CompletedTask;
        }
    }

    /// <summary>Tells whether a component counts as recovered now: its verification delegate, or the health monitor after checking it now.</summary>
    /// <param name="component">The component.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether it is at or below <see cref="RecoveryOptions.RecoveredLevel"/>.</returns>
    public async ValueTask<bool> IsRecoveredAsync(string component, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(component);
        if (_components.TryGetValue(component, out Healable? target) && target.Verification is { } verify)
        {
            return await verify(cancellationToken).ConfigureAwait(false);
        }

        await _monitor.CheckNowAsync(component).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (_monitor.GetHealth(component)?.Level ?? HealthLevel.Healthy) <= Options.RecoveredLevel;
    }

    // Opens (or joins) the component's incident and starts its run, unless one is running: then the news goes
    // into that run's timeline. Returns the run, or null when the manager is not running.
    private RecoveryRun? Trigger(string component, string failureType, HealthLevel? level, IReadOnlyList<string>? affectedBy, string message, ActivityContext cause = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Incident? opened = null;
        RecoveryRun run;
        IncidentRecord? record;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            if (_runs.TryGetValue(component, out RecoveryRun? running))
            {
                running.Record.Note(now, "event", message);
                return running;
            }

            // A component the manager cannot act on has no run to start: its trouble goes into the incident of
            // the upstream component it is affected by (one root cause, one incident), or into its own open
            // incident, which waits for it to recover.
            if (level is not null && !_components.ContainsKey(component))
            {
                IReadOnlyList<string> upstream = affectedBy ?? _monitor.GetHealth(component)?.AffectedBy ?? [];
                if (upstream.FirstOrDefault(_open.ContainsKey) is { } root && root != component)
                {
                    var joined = _joined.TryGetValue(root, out HashSet<string>? seen) ? seen : _joined[root] = new HashSet<string>(StringComparer.Ordinal);
                    joined.Add(component);
                    Announce(_open[root].Note(now, "event", $"{message} (affected by {root}: part of this incident)"), notify: false);
                    return null;
                }

                if (_open.TryGetValue(component, out IncidentRecord? watched))
                {
                    Announce(watched.Note(now, "event", message), notify: false);
                    return null;
                }
            }

            if (!_open.TryGetValue(component, out record))
            {
                record = new IncidentRecord(Diagnose(component, failureType, level, affectedBy ?? _monitor.GetHealth(component)?.AffectedBy ?? [], message, now));
                _open[component] = record;
                opened = record.Current;
            }
            else
            {
                record.Note(now, "event", message);
            }

            run = new RecoveryRun(record);
            _runs[component] = run;
            run.Completion = Task.Run(() => RunAsync(run, component), CancellationToken.None);
        }

        if (opened is not null)
        {
            ReportOpened(record, opened, cause);
            Announce(opened, notify: true);
        }

        run.Begin();
        return run;
    }

    // The incident's first snapshot: the probable root cause (of the component and its troubled upstream
    // components, the one whose trouble shows first in the recent events) and the related events.
    private Incident Diagnose(string component, string failureType, HealthLevel? level, IReadOnlyList<string> affectedBy, string message, DateTimeOffset now)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal) { component };
        var pending = new Stack<string>([component]);
        while (pending.Count > 0 && subjects.Count < 1000)
        {
            foreach (string dependency in _monitor.GetHealth(pending.Pop())?.DependsOn ?? [])
            {
                if (subjects.Add(dependency))
                {
                    pending.Push(dependency);
                }
            }
        }

        var related = _recent.About(subjects, now - Options.DiagnosisWindow);
        string[] candidates = [.. affectedBy, component];
        string rootCause = affectedBy.Count == 0 ? component
            : candidates
                .Select(c => (Name: c, First: related.Where(e => e.Bad && e.Subject == c).Select(e => (DateTimeOffset?)e.Time).FirstOrDefault()))
                .OrderBy(c => c.First ?? DateTimeOffset.MaxValue)
                .First().Name;
        long number = Interlocked.Increment(ref _incidentNumber);
        string id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{number:D4}-{component}");
        List<IncidentEntry> timeline = [.. related.Select(e => new IncidentEntry(e.Time, "event", e.Message))];
        timeline.Add(new IncidentEntry(now, "diagnosis", rootCause == component
            ? $"{message}; probable root cause: {component} itself"
            : $"{message}; probable root cause: {rootCause} (upstream in trouble: {string.Join(", ", affectedBy)})"));
        return new Incident(id, component, failureType, IncidentStatus.Open, now, now)
        {
            RootCause = rootCause,
            AffectedBy = affectedBy,
            Level = level,
            Timeline = timeline,
        };
    }

    private async Task RunAsync(RecoveryRun run, string component)
    {
        IncidentRecord record = run.Record;
        try
        {
            // The incident's span (when traced) is the parent of everything the run does.
            await run.Begun.ConfigureAwait(false);
            Activity.Current = record.Span;
            await RunCoreAsync(record, component, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Close(record, IncidentStatus.Escalated, "escalation", "the recovery manager stopped before the recovery ended.");
        }
#pragma warning disable CA1031 // A bug or a throwing gate must not kill the loop: the incident is escalated with the error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRunFailed(_logger, ex, component);
            Close(record, IncidentStatus.Escalated, "escalation", $"the recovery failed with {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _runs.Remove(component);
            }
        }
    }

    private async Task RunCoreAsync(IncidentRecord record, string component, CancellationToken stopping)
    {
        Incident incident = record.Current;

        // Dependencies first: wait for the runs of troubled upstream components, then look again.
        Task[] upstream;
        lock (_gate)
        {
            upstream = [.. incident.AffectedBy.Select(d => _runs.GetValueOrDefault(d)?.Completion).OfType<Task>()];
        }

        if (upstream.Length > 0)
        {
            Note(record, "diagnosis", $"waiting for the recovery of {string.Join(", ", incident.AffectedBy)} first");
            await Task.WhenAll(upstream).ConfigureAwait(false);
        }

        // Trouble explained by dependencies may have ended with them (their recovery may even have finished
        // before this run began): look before acting.
        if (incident.AffectedBy.Count > 0 && await IsRecoveredAsync(component, stopping).ConfigureAwait(false))
        {
            Close(record, IncidentStatus.Resolved, "resolution", $"{component} recovered with {string.Join(", ", incident.AffectedBy)}.");
            return;
        }

        if (!_components.TryGetValue(component, out Healable? target))
        {
            Note(record, "diagnosis", $"{component} is not a healable component: nothing to act on; the incident stays open until it recovers.");
            return;
        }

        RecoveryOptions options = Options;
        if (!options.AutomaticRecovery)
        {
            Close(record, IncidentStatus.Escalated, "escalation", "automatic recovery is switched off: a human has to act.");
            return;
        }

        RecoveryPlan plan = SelectPlan(component, incident.FailureType);
        IReadOnlyList<RecoveryStrategy> strategies = plan.Strategies;
        record.Change(i => i with { Status = IncidentStatus.Recovering, Plan = strategies });
        Note(record, "diagnosis", $"plan: {string.Join(", then ", strategies)}");
        HealthLevel before = _monitor.GetHealth(component)?.Level ?? incident.Level ?? HealthLevel.Failed;
        var skipped = new List<string>();
        foreach (RecoveryStrategy strategy in strategies)
        {
            if (strategy == RecoveryStrategy.ManualIntervention)
            {
                break;
            }

            if (!target.Component.Capabilities.HasFlag(Capability(strategy)) && !(strategy == RecoveryStrategy.Reconfigure && ThroughConfiguration(plan)))
            {
                skipped.Add($"{strategy} (not supported)");
                Note(record, "action", $"{strategy} skipped: {component} does not support it");
                continue;
            }

            RiskLevel risk = Options.RiskOf(strategy);
            if (risk > Options.AutoApproveUpTo && !await ApproveAsync(record, strategy, risk, stopping).ConfigureAwait(false))
            {
                skipped.Add($"{strategy} (not approved)");
                continue;
            }

            TimeSpan delay = plan.RetryDelay;
            for (int attempt = 1; attempt <= plan.MaxRetries + 1; attempt++)
            {
                options = Options;
                if (!options.AutomaticRecovery)
                {
                    Close(record, IncidentStatus.Escalated, "escalation", "automatic recovery was switched off during the recovery: a human has to act.");
                    return;
                }

                if (await AttemptAsync(record, target, plan, strategy, attempt, risk, before, options, stopping).ConfigureAwait(false))
                {
                    if (strategy == RecoveryStrategy.Fallback && record.Current.Attempts[^1].LeftTo is null)
                    {
                        Note(record, "action", FallbackStaysOn(target));
                    }

                    string by = record.Current.Attempts[^1].LeftTo is { } other ? $" by {other}" : string.Empty;
                    Close(record, IncidentStatus.Resolved, "resolution", $"{component} recovered after {strategy}{by} (attempt {attempt}).");
                    return;
                }

                if (attempt <= plan.MaxRetries)
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                    delay *= plan.BackoffFactor;
                }
            }
        }

        string tried = string.Join(", ", record.Current.Attempts.Select(a => $"{a.Strategy} #{a.Attempt}"));
        Close(record, IncidentStatus.Escalated, "escalation", $"nothing recovered {component} (tried: {(tried.Length == 0 ? "nothing" : tried)}"
            + (skipped.Count == 0 ? "" : $"; skipped: {string.Join(", ", skipped)}") + "): a human has to act.");
    }

    // Checkpoint (risky actions, rollback on), act, verify, roll back if worse, learn.
    private async Task<bool> AttemptCoreAsync(
        IncidentRecord record,
        Healable target,
        RecoveryPlan plan,
        RecoveryStrategy strategy,
        int attempt,
        RiskLevel risk,
        HealthLevel before,
        RecoveryOptions options,
        Activity? span,
        CancellationToken stopping)
    {
        bool throughConfiguration = strategy == RecoveryStrategy.Reconfigure && ThroughConfiguration(plan);
        RecoveryLease? lease = null;
        if (target.SharedTarget is { } shared && _leases is not null && !throughConfiguration)
        {
            lease = await _leases.AcquireAsync(shared, target.Name, strategy, stopping).ConfigureAwait(false);
            if (lease.Status != RecoveryLeaseStatus.Granted)
            {
                return await LeaveToOthersAsync(record, target, strategy, attempt, shared, lease, options, span, stopping).ConfigureAwait(false);
            }

            Note(record, "coordination", $"lease on the shared {shared} granted until {lease.ExpiresAt:O}"
                + (lease.FencingToken is { } token ? $" (fencing token {token})" : ""));
        }

        // The action runs under its context (the fencing token reaches it) and stops when the lease is lost: every
        // step checks the lease first, and the steps' token is cancelled with it.
        using RecoveryContext.Scope context = new RecoveryContext(record.Current.Id, target.Name, strategy, attempt, lease).Enter();
        using CancellationTokenSource? held = lease is null ? null : CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
        CancellationToken acting = held?.Token ?? stopping;
        bool StillHeld(string step)
        {
            if (lease is null || lease.IsValid)
            {
                return true;
            }

            Note(record, "coordination", $"the lease on the shared {target.SharedTarget} was lost: stopped before {step}");
            return false;
        }

        // From here the lease is given back whatever happens (a checkpoint, a restore or a check that throws, the
        // manager stopping): a lease kept by a failed run would be renewed forever and no replica could heal.
        bool recovered = false;
        bool givenBack = false;
        TimeSpan duration;
        bool rolledBack = false;
        try
        {
            // Another replica may have fixed the shared target and given its lease back before this one asked.
            if (lease is not null && await IsRecoveredAsync(target.Name, stopping).ConfigureAwait(false))
            {
                Note(record, "verification", $"{target.Name} already works again: an earlier holder of the lease acted; {strategy} is not needed");
                givenBack = true;
                await GiveBackAsync(record, lease, true, $"{target.Name} already recovered", stopping).ConfigureAwait(false);
                var earlier = new RecoveryAttempt(strategy, attempt, true, TimeSpan.Zero) { LeftTo = EarlierHolder };
                record.Change(i => i with { Attempts = [.. i.Attempts, earlier] });
                ReportAttempt(target.Name, earlier, span);
                return true;
            }

            ComponentCheckpoint? checkpoint = null;
            if (options.Rollback && risk >= RiskLevel.Medium && target.Component.Capabilities.HasFlag(RecoveryCapabilities.Checkpoint))
            {
                if (!StillHeld("the checkpoint"))
                {
                    return false;
                }

                checkpoint = await target.Component.CheckpointAsync(acting).ConfigureAwait(false);
                checkpoint = checkpoint.TakenAt == default ? checkpoint with { TakenAt = _time.GetUtcNow() } : checkpoint;
            }

            if (!StillHeld(strategy.ToString()))
            {
                return false;
            }

            long started = _time.GetTimestamp();
            Note(record, "action", $"{strategy}, attempt {attempt}{(checkpoint is null ? "" : ", after a checkpoint")}");
            long? configurationBefore = null;
            try
            {
                if (throughConfiguration)
                {
                    configurationBefore = _configuration!.Current.Version;
                    ConfigSnapshot applied = _configuration.Update(
                        plan.Parameters.ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.Ordinal),
                        ConfigSource.Recovery,
                        reason: $"incident {record.Current.Id}: Reconfigure {target.Name}");
                    Note(record, "action", $"configuration version {applied.Version} applied: {string.Join(", ", plan.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
                }
                else
                {
                    await ActAsync(target.Component, strategy, plan, acting).ConfigureAwait(false);
                }

                recovered = await VerifyAsync(target, options, acting).ConfigureAwait(false);
                Note(record, "verification", recovered ? $"{target.Name} recovered" : $"{target.Name} did not recover within {options.VerificationTimeout}");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (lease is { IsValid: false })
            {
                Note(record, "coordination", $"the lease on the shared {target.SharedTarget} was lost during {strategy}: the action was cancelled");
            }
#pragma warning disable CA1031 // An action that throws is a failed attempt, recorded; the plan goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Note(record, "action", $"{strategy} threw {ex.GetType().Name}: {ex.Message}");
            }

            duration = _time.GetElapsedTime(started);
            HealthLevel after = _monitor.GetHealth(target.Name)?.Level ?? before;
            if (!recovered && after > before && options.Rollback && (checkpoint is not null || configurationBefore is not null))
            {
                var restored = new List<string>();
                if (checkpoint is not null && StillHeld("restoring the checkpoint"))
                {
                    await target.Component.RestoreAsync(checkpoint, acting).ConfigureAwait(false);
                    restored.Add($"checkpoint of {checkpoint.TakenAt:O}");
                }

                if (configurationBefore is { } version)
                {
                    _configuration!.Rollback(version, $"incident {record.Current.Id}: {target.Name} went from {before} to {after} after {strategy}");
                    restored.Add($"configuration version {version}");
                }

                rolledBack = true;
                Note(record, "rollback", $"{target.Name} went from {before} to {after} after {strategy}: {string.Join(" and ", restored)} restored");
            }
        }
        finally
        {
            if (lease is not null && !givenBack)
            {
                // Not the run's token: a stopping manager still hands the lease on.
                await GiveBackAsync(record, lease, recovered, $"{strategy} of {target.Name}: {(recovered ? "recovered" : "not recovered")}", CancellationToken.None).ConfigureAwait(false);
            }
        }

        var outcome = new RecoveryAttempt(strategy, attempt, recovered, duration, rolledBack);
        record.Change(i => i with { Attempts = [.. i.Attempts, outcome] });
        ReportAttempt(target.Name, outcome, span);
        if (options.Learning)
        {
            await LearnAsync(record.Current.FailureType, outcome, stopping).ConfigureAwait(false);
        }

        return recovered;
    }

    private const string EarlierHolder = "an earlier holder of the lease";

    // Another replica holds the lease on the shared target (or nobody could be asked): do not act, wait for the result.
    private async Task<bool> LeaveToOthersAsync(
        IncidentRecord record,
        Healable target,
        RecoveryStrategy strategy,
        int attempt,
        string shared,
        RecoveryLease lease,
        RecoveryOptions options,
        Activity? span,
        CancellationToken stopping)
    {
        string leftTo = lease.Status == RecoveryLeaseStatus.HeldElsewhere ? lease.Holder! : $"nobody ({lease.Reason})";
        Note(record, "coordination", lease.Status == RecoveryLeaseStatus.HeldElsewhere
            ? $"{lease.Holder} holds the lease on the shared {shared} until {lease.ExpiresAt:O}: {strategy} is left to it"
            : $"{strategy} of the shared {shared} was not taken here: {lease.Reason}");
        long started = _time.GetTimestamp();
        bool recovered = await VerifyAsync(target, options, stopping).ConfigureAwait(false);
        Note(record, "verification", recovered ? $"{target.Name} recovered" : $"{target.Name} did not recover within {options.VerificationTimeout}");
        var outcome = new RecoveryAttempt(strategy, attempt, recovered, _time.GetElapsedTime(started)) { LeftTo = leftTo };
        record.Change(i => i with { Attempts = [.. i.Attempts, outcome] });
        ReportAttempt(target.Name, outcome, span);
        return recovered;
    }

    private async Task GiveBackAsync(IncidentRecord record, RecoveryLease lease, bool succeeded, string detail, CancellationToken stopping)
    {
        try
        {
            await lease.CompleteAsync(succeeded, detail, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A lease that cannot be given back lapses at its expiry; the recovery's outcome stands.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Note(record, "coordination", $"the lease could not be given back ({ex.Message}); it lapses at its expiry");
        }
    }

    private static ValueTask ActAsync(IHealableComponent component, RecoveryStrategy strategy, RecoveryPlan plan, CancellationToken stopping) => strategy switch
    {
        RecoveryStrategy.Restart => component.RestartAsync(stopping),
        RecoveryStrategy.Reconfigure => component.ReconfigureAsync(plan.Parameters.AsReadOnly(), stopping),
        RecoveryStrategy.Fallback => component.SetFallbackAsync(true, stopping),
        RecoveryStrategy.ScaleResources => component.ScaleAsync(plan.ScaleFactor, stopping),
        _ => throw new InvalidOperationException($"{strategy} is not an action."),
    };

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

    // Checks the component now, then every VerificationInterval, until it counts as recovered or the deadline passes.
    private async Task<bool> VerifyAsync(Healable target, RecoveryOptions options, CancellationToken stopping)
    {
        long started = _time.GetTimestamp();
        while (true)
        {
            if (await IsRecoveredAsync(target.Name, stopping).ConfigureAwait(false))
            {
                return true;
            }

            if (_time.GetElapsedTime(started) + options.VerificationInterval > options.VerificationTimeout)
            {
                return false;
            }

            await Task.Delay(options.VerificationInterval, _time, stopping).ConfigureAwait(false);
        }
    }

    private async Task<bool> ApproveAsync(IncidentRecord record, RecoveryStrategy strategy, RiskLevel risk, CancellationToken stopping)
    {
        RecoveryOptions options = Options;
        Note(record, "approval", $"{strategy} is {risk} risk: asking for approval");
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bool approved;
        try
        {
            approved = await _approval.ApproveAsync(new RecoveryApprovalRequest(record.Current, strategy, risk), timeout.Token)
                .AsTask().WaitAsync(options.ApprovalTimeout, _time, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            Note(record, "approval", $"{strategy} not approved within {options.ApprovalTimeout}: denied");
            return false;
        }

        Note(record, "approval", approved ? $"{strategy} approved" : $"{strategy} denied");
        return approved;
    }

    private void ResolveIfIdle(string component, string message)
    {
        IncidentRecord? record;
        lock (_gate)
        {
            if (_runs.ContainsKey(component) || !_open.TryGetValue(component, out record))
            {
                return;
            }
        }

        Close(record, IncidentStatus.Resolved, "resolution", message);
    }

    private void Note(IncidentRecord record, string kind, string message) =>
        Announce(record.Note(_time.GetUtcNow(), kind, message), notify: false);

    // An incident closes once: a second close (a run ending as a resolution without action was decided) changes nothing.
    private void Close(IncidentRecord record, IncidentStatus status, string kind, string message)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Incident closed;
        Incident? evicted = null;
        lock (_gate)
        {
            string component = record.Current.Component;
            if (!_open.TryGetValue(component, out IncidentRecord? open) || !ReferenceEquals(open, record))
            {
                return;
            }

            _open.Remove(component);
            closed = record.Change(i => i with
            {
                Status = status,
                UpdatedAt = now,
                ClosedAt = now,
                Timeline = [.. i.Timeline, new IncidentEntry(now, kind, message)],
            });
            _closed.AddLast(closed);
            if (_closed.Count > Options.IncidentHistory)
            {
                evicted = _closed.First!.Value;
                _closed.RemoveFirst();
            }
        }

        ReportClosed(record, closed);
        Announce(closed, notify: true);
        if (evicted is not null)
        {
            Persist(evicted, delete: true);
        }

        // Components that were part of this incident and are still in trouble now stand on their own.
        string[] joined;
        lock (_gate)
        {
            joined = _joined.Remove(closed.Component, out HashSet<string>? seen) ? [.. seen] : [];
        }

        foreach (string component in joined)
        {
            _ = Task.Run(() => StandAloneIfStillBadAsync(component, closed.Component), CancellationToken.None);
        }
    }

    // Checked now, not judged from the last view (which may predate the root's recovery): still in trouble, it gets
    // its own incident.
    private async Task StandAloneIfStillBadAsync(string component, string root)
    {
        try
        {
            if (await IsRecoveredAsync(component, _stopping.Token).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (_monitor.GetHealth(component) is { } health && health.Level >= Options.TriggerLevel)
        {
            Trigger(component, health.Level.ToString(), health.Level, health.AffectedBy, $"{component} is still {health.Level} after the incident on {root} closed: {health.Reason}");
        }
    }

    // Every change is published and stored; openings and closings also go to the sinks.
    private void Announce(Incident incident, bool notify)
    {
        _hub.Publish(new IncidentChanged(EventSource, incident.UpdatedAt, incident));
        if (notify)
        {
            foreach (SinkQueue<Incident> sink in _sinks)
            {
                sink.Offer(incident);
            }
        }

        Persist(incident, delete: false);
    }
}
