using SelfHealing.Coordination.Replication;

namespace SelfHealing.Coordination.Transport;

/// <summary>The leader's answer to a forwarded command.</summary>
/// <param name="Ok">Whether the command was committed and applied.</param>
/// <param name="Unavailable">Whether it was refused because the leader could not reach a majority (or is no longer leader).</param>
/// <param name="Error">Why not, when not.</param>
/// <param name="Decision">For a lease request, the decision.</param>
/// <param name="Released">For a lease release, the lease given back (null when it was not held).</param>
/// <param name="MayBeApplied">When unavailable, whether the leader appended it to its log before failing, so it may still be applied.</param>
internal sealed record ForwardReply(bool Ok, bool Unavailable, string? Error, LeaseDecision? Decision, ClusterLease? Released, bool MayBeApplied = false)
{
    public static ForwardReply Done(object? outcome) => new(true, false, null, outcome as LeaseDecision, outcome as ClusterLease);

    public static ForwardReply Refused(string error) => new(false, false, error, null, null);

    public static ForwardReply NotAvailable(string error) => new(false, true, error, null, null);

    public static ForwardReply Unknown(string error) => new(false, true, error, null, null, MayBeApplied: true);
}
