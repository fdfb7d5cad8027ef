using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// Recovers a component now with <paramref name="plan"/> instead of the plan the manager would select, and waits
    /// for the run to end. When a run is already going for the component, it is joined (its own plan goes on) and
    /// the incident notes the plan that was asked for.
    /// </summary>
    /// <param name="component">The component.</param>
    /// <param name="failureType">The failure type the incident is opened with.</param>
    /// <param name="plan">The plan to run; copied.</param>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>The incident as the run left it.</returns>
    /// <exception cref="ArgumentException">The plan is invalid (the message names each problem).</exception>
    /// <exception cref="InvalidOperationException">The manager is not running.</exception>
    public async Task<Incident> RecoverAsync(string component, string failureType, RecoveryPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(failureType);
        ArgumentNullException.ThrowIfNull(plan);
        plan.Check(nameof(plan)).ThrowIfAny(nameof(plan));
        if (Volatile.Read(ref _started) != 1)
        {
            throw new InvalidOperationException("The recovery manager is not running.");
        }

        RecoveryRun run = Trigger(component, failureType, null, null, $"recovery of {component} requested ({failureType}) with the plan {string.Join(", then ", plan.Strategies)}", Activity.Current?.Context ?? default, plan.Copy())
            ?? throw new InvalidOperationException("The recovery manager is not running.");
        await run.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return run.Record.Current;
    }

    /// <summary>What the manager saw about a component (health, breaker, anomaly and forecast news) within the diagnosis window, oldest first.</summary>
    internal List<RecentEvent> RecentAbout(string component) =>
        _recent.About(new HashSet<string>(StringComparer.Ordinal) { component }, _time.GetUtcNow() - Options.DiagnosisWindow);

    /// <summary>
    /// A task that ends when the manager can do nothing more until the clock moves: no event waiting or being handled,
    /// and every run, held trouble and fallback trial waiting on the clock (or on another run), none between two waits.
    /// Tests on a fake clock move it only then.
    /// </summary>
    internal async Task WhenSettledAsync()
    {
        while (true)
        {
            Task next = _work.NextIdle;
            if (!_work.IsBusy && (_subscription is not { } news || news.Reader.Count == 0))
            {
                return;
            }

            await next.ConfigureAwait(false);
        }
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
    public ValueTask<bool> IsRecoveredAsync(string component, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(component);
        return _engine.IsRecoveredAsync(component, cancellationToken);
    }

    // Opens (or joins) the component's incident and starts its run, unless one is running: then the news goes
    // into that run's timeline. Returns the run, or null when the manager is not running.
    private RecoveryRun? Trigger(string component, string failureType, HealthLevel? level, IReadOnlyList<string>? affectedBy, string message, ActivityContext cause = default, RecoveryPlan? plan = null, bool held = false)
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
                Announce(running.Record.Note(now, "event", message), notify: false); // every timeline entry is news (docs/events.md)
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
                    Announce(_open[root].Note(now, "event", Join(root, component, message)), notify: false);
                    return null;
                }

                if (_open.TryGetValue(component, out IncidentRecord? watched))
                {
                    Announce(watched.Note(now, "event", message), notify: false);
                    return null;
                }

                if (!held && Hold(component, failureType, message))
                {
                    return null;
                }
            }

            if (!_open.TryGetValue(component, out record))
            {
                record = new IncidentRecord(Diagnose(component, failureType, level, affectedBy ?? _monitor.GetHealth(component)?.AffectedBy ?? [], message, now));
                _open[component] = record;
                JoinHeld(component, record, now);
                opened = record.Current;
            }
            else
            {
                Announce(record.Note(now, "event", message), notify: false);
            }

            run = new RecoveryRun(record) { Plan = plan };
            _runs[component] = run;
            _work.Enter(); // the run counts as work from now: the test clock waits for it to reach its first wait
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

    private async Task RunAsync(RecoveryRun run, string component)
    {
        IncidentRecord record = run.Record;
        try
        {
            // The incident's span (when traced) is the parent of everything the run does.
            await run.Begun.ConfigureAwait(false);
            Activity.Current = record.Span;
            await RunCoreAsync(record, component, run.Plan, _stopping.Token).ConfigureAwait(false);
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

            _work.Exit();
        }
    }

    private async Task RunCoreAsync(IncidentRecord record, string component, RecoveryPlan? given, CancellationToken stopping)
    {
        Incident incident = await CorrelateAsync(record, component, stopping).ConfigureAwait(false);

        // Dependencies first: wait for the runs of troubled upstream components, then look again.
        Task[] upstream;
        lock (_gate)
        {
            upstream = [.. incident.AffectedBy.Select(d => _runs.GetValueOrDefault(d)?.Completion).OfType<Task>()];
        }

        if (upstream.Length > 0)
        {
            Note(record, "diagnosis", $"waiting for the recovery of {string.Join(", ", incident.AffectedBy)} first");
            await _work.WhileParkedAsync(Task.WhenAll(upstream)).ConfigureAwait(false);
        }

        // Trouble explained by dependencies may end with them (their recovery may even have finished before this run
        // began): their recovery is the action, so verify its effect here, as after an action of its own, before acting.
        if (incident.AffectedBy.Count > 0 && await _engine.VerifyAsync(component, Options, stopping).ConfigureAwait(false))
        {
            Close(record, IncidentStatus.Resolved, "resolution", $"{component} recovered with {string.Join(", ", incident.AffectedBy)}.");
            return;
        }

        // Upstream trouble that outlived its own recovery (escalated, or over its retries) still explains this
        // component's: acting on it would not help, and would be one more action for one root cause.
        if (incident.AffectedBy.Count > 0 && _monitor.GetHealth(component) is { AffectedBy: { Count: > 0 } still })
        {
            Note(record, "diagnosis", $"{component} is still affected by {string.Join(", ", still)}: acting on it would not help; the incident stays open until it recovers.");
            return;
        }

        if (!_components.TryGetValue(component, out HealableTarget? declared))
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

        // The component lives in this run's scope: scoped services it needs are fresh and disposed with the run.
        await using AsyncServiceScope scope = _services.CreateAsyncScope();
        HealableTarget target = declared.In(scope.ServiceProvider);
        RecoveryPlan plan = given ?? SelectPlan(component, incident.FailureType);
        IReadOnlyList<RecoveryStrategy> strategies = plan.Strategies;
        record.Change(i => i with { Status = IncidentStatus.Recovering, Plan = strategies });
        Note(record, "diagnosis", $"{(given is null ? "plan" : "plan (as given)")}: {string.Join(", then ", strategies)}");
        HealthLevel before = _monitor.GetHealth(component)?.Level ?? incident.Level ?? HealthLevel.Failed;
        RunOutcome outcome = await _engine.RunPlanAsync(record, target, plan, before, stopping).ConfigureAwait(false);
        if (outcome.FallbackLeftOn)
        {
            Note(record, "action", FallbackStaysOn(target));
        }

        Close(record, outcome.Status, outcome.Status == IncidentStatus.Resolved ? "resolution" : "escalation", outcome.Message);
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

    void IRecoveryJournal.Note(IncidentRecord record, string kind, string message) => Note(record, kind, message);

    ValueTask IRecoveryJournal.LearnAsync(string failureType, RecoveryAttempt attempt, CancellationToken cancellationToken) =>
        LearnAsync(failureType, attempt, cancellationToken);

    Func<CancellationToken, ValueTask<bool>>? IRecoveryJournal.VerificationOf(string component) =>
        _components.GetValueOrDefault(component)?.Verification;

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
            _work.Enter();
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

            if (_monitor.GetHealth(component) is { } health && health.Level >= Options.TriggerLevel)
            {
                Trigger(component, health.Level.ToString(), health.Level, health.AffectedBy, $"{component} is still {health.Level} after the incident on {root} closed: {health.Reason}");
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _work.Exit();
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
