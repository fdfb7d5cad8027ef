namespace SelfHealing.Supervision;

/// <summary>A snapshot of one node of the supervision tree.</summary>
/// <param name="Name">The worker's or supervisor's name.</param>
/// <param name="Supervisor">The supervisor it runs under, or <see langword="null"/> for a root supervisor.</param>
/// <param name="IsSupervisor">Whether it is a supervisor.</param>
/// <param name="State">Its lifecycle state.</param>
/// <param name="Restarts">How many times it has been restarted since the host started.</param>
/// <param name="Reason">Why it is in that state.</param>
/// <param name="Since">When it entered that state.</param>
/// <param name="LastFailure">The last exception it failed with, if any.</param>
public sealed record WorkerStatus(
    string Name,
    string? Supervisor,
    bool IsSupervisor,
    WorkerState State,
    int Restarts,
    string Reason,
    DateTimeOffset Since,
    Exception? LastFailure);
