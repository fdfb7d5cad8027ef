namespace SelfHealing.Recovery;

/// <summary>
/// What the run engine reports to the manager that owns the incident: timeline notes (published and stored), what each
/// attempt teaches, and how a component's recovery is verified. The seam between <see cref="RecoveryRunEngine"/> and
/// <see cref="RecoveryManager"/>, so the engine can be tested alone.
/// </summary>
internal interface IRecoveryJournal
{
    /// <summary>Adds an entry to the incident's timeline.</summary>
    void Note(IncidentRecord record, string kind, string message);

    /// <summary>Adds an attempt's outcome to what is learned for the failure type.</summary>
    ValueTask LearnAsync(string failureType, RecoveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>The component's own verification delegate, or <see langword="null"/> to ask the health view.</summary>
    Func<CancellationToken, ValueTask<bool>>? VerificationOf(string component);
}
