namespace SelfHealing.Recovery;

/// <summary>What the approval gate is asked to agree to.</summary>
/// <param name="Incident">The incident, as it stands.</param>
/// <param name="Strategy">The action.</param>
/// <param name="Risk">Its risk.</param>
public sealed record RecoveryApprovalRequest(Incident Incident, RecoveryStrategy Strategy, RiskLevel Risk);
