using System.Globalization;
using SelfHealing.Recovery;

namespace SelfHealing.Dashboard;

/// <summary>
/// The approval gate an operator answers from the page: each risky recovery waits in <see cref="Pending"/> until it
/// is approved or denied there, or until the recovery manager's approval timeout (a denial).
/// </summary>
internal sealed class DashboardApprovals(TimeProvider time) : IRecoveryApprovalGate
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Waiting> _pending = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>Raised (outside the lock) when a request starts or stops waiting, so the page can refresh.</summary>
    public event Action? Changed;

    public IReadOnlyList<ApprovalDto> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Values.OrderBy(w => w.Dto.RequestedAt).Select(w => w.Dto)];
            }
        }
    }

    public async ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string id = "approval-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var waiting = new Waiting(
            new ApprovalDto(id, request.Incident.Id, request.Incident.Component, request.Strategy.ToString(), request.Risk.ToString(), time.GetUtcNow()),
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _pending[id] = waiting;
        }

        Changed?.Invoke();
        try
        {
            return await waiting.Decision.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }

            Changed?.Invoke();
        }
    }

    /// <summary>Answers a waiting request.</summary>
    /// <returns>Whether a request with that id was waiting.</returns>
    public bool Decide(string id, bool approve)
    {
        Waiting? waiting;
        lock (_gate)
        {
            _pending.TryGetValue(id, out waiting);
        }

        return waiting is not null && waiting.Decision.TrySetResult(approve);
    }

    private sealed record Waiting(ApprovalDto Dto, TaskCompletionSource<bool> Decision);
}
