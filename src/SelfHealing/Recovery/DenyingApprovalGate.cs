namespace SelfHealing.Recovery;

/// <summary>The default approval gate: every risky action is denied, so the manager escalates past it.</summary>
public sealed class DenyingApprovalGate : IRecoveryApprovalGate
{
    /// <inheritdoc />
    public ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
