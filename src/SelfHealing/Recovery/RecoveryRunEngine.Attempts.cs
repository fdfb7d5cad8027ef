using System.Diagnostics;
using SelfHealing.Configuration;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

// One attempt of one strategy: checkpoint, the cluster's lease, the action, verification, rollback when
// things got worse, and what is learned from it.
internal sealed partial class RecoveryRunEngine
{
    // Checkpoint (risky actions, rollback on), act, verify, roll back if worse, learn.
    private async Task<bool> AttemptCoreAsync(PlannedAttempt planned, Activity? span, CancellationToken stopping)
    {
        (IncidentRecord record, HealableTarget target, RecoveryPlan plan, RecoveryStrategy strategy, int attempt, RiskLevel risk, HealthLevel before, RecoveryOptions options) = planned;
        bool throughConfiguration = strategy == RecoveryStrategy.Reconfigure && ThroughConfiguration(plan);
        RecoveryLease? lease = null;
        if (target.SharedTarget is { } shared && _leases is not null && !throughConfiguration)
        {
            lease = await _leases.AcquireAsync(shared, target.Name, strategy, stopping).ConfigureAwait(false);
            if (lease.Status != RecoveryLeaseStatus.Granted)
            {
                return await LeaveToOthersAsync(record, target, strategy, attempt, shared, lease, options, span, stopping).ConfigureAwait(false);
            }

            _journal.Note(record, "coordination", $"lease on the shared {shared} granted until {lease.ExpiresAt:O}"
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

            _journal.Note(record, "coordination", $"the lease on the shared {target.SharedTarget} was lost: stopped before {step}");
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
                _journal.Note(record, "verification", $"{target.Name} already works again: an earlier holder of the lease acted; {strategy} is not needed");
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
            _journal.Note(record, "action", $"{strategy}, attempt {attempt}{(checkpoint is null ? "" : ", after a checkpoint")}");
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
                    _journal.Note(record, "action", $"configuration version {applied.Version} applied: {string.Join(", ", plan.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
                }
                else
                {
                    await ActAsync(target.Component, strategy, plan, acting).ConfigureAwait(false);
                }

                recovered = await VerifyAsync(target.Name, options, acting).ConfigureAwait(false);
                _journal.Note(record, "verification", recovered ? $"{target.Name} recovered" : $"{target.Name} did not recover within {options.VerificationTimeout}");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (lease is { IsValid: false })
            {
                _journal.Note(record, "coordination", $"the lease on the shared {target.SharedTarget} was lost during {strategy}: the action was cancelled");
            }
#pragma warning disable CA1031 // An action that throws is a failed attempt, recorded; the plan goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _journal.Note(record, "action", $"{strategy} threw {ex.GetType().Name}: {ex.Message}");
            }

            duration = _time.GetElapsedTime(started);
            HealthLevel after = _health.GetHealth(target.Name)?.Level ?? before;
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
                _journal.Note(record, "rollback", $"{target.Name} went from {before} to {after} after {strategy}: {string.Join(" and ", restored)} restored");
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
            await _journal.LearnAsync(record.Current.FailureType, outcome, stopping).ConfigureAwait(false);
        }

        return recovered;
    }

    private const string EarlierHolder = "an earlier holder of the lease";

    // Another replica holds the lease on the shared target (or nobody could be asked): do not act, wait for the result.
    private async Task<bool> LeaveToOthersAsync(
        IncidentRecord record,
        HealableTarget target,
        RecoveryStrategy strategy,
        int attempt,
        string shared,
        RecoveryLease lease,
        RecoveryOptions options,
        Activity? span,
        CancellationToken stopping)
    {
        string leftTo = lease.Status == RecoveryLeaseStatus.HeldElsewhere ? lease.Holder! : $"nobody ({lease.Reason})";
        _journal.Note(record, "coordination", lease.Status == RecoveryLeaseStatus.HeldElsewhere
            ? $"{lease.Holder} holds the lease on the shared {shared} until {lease.ExpiresAt:O}: {strategy} is left to it"
            : $"{strategy} of the shared {shared} was not taken here: {lease.Reason}");
        long started = _time.GetTimestamp();
        bool recovered = await VerifyAsync(target.Name, options, stopping).ConfigureAwait(false);
        _journal.Note(record, "verification", recovered ? $"{target.Name} recovered" : $"{target.Name} did not recover within {options.VerificationTimeout}");
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
            _journal.Note(record, "coordination", $"the lease could not be given back ({ex.Message}); it lapses at its expiry");
        }
    }
}
