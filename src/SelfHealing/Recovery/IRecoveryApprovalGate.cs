namespace SelfHealing.Recovery;

/// <summary>
/// Decides whether an action above <see cref="RecoveryOptions.AutoApproveUpTo"/> may run (a chat button, a
/// ticket, a policy). The default gate denies, so a risky action escalates to the next strategy. An answer later
/// than <see cref="RecoveryOptions.ApprovalTimeout"/> counts as a denial.
/// </summary>
public interface IRecoveryApprovalGate
{
    /// <summary>Asks for approval.</summary>
    /// <param name="request">The incident, the action and its risk.</param>
    /// <param name="cancellationToken">Cancelled at the approval timeout or when the manager stops.</param>
    /// <returns>Whether the action may run.</returns>
    ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken);
}
