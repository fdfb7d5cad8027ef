using System.Diagnostics;
using System.Runtime.CompilerServices;
using SelfHealing.Telemetry;

namespace SelfHealing.CircuitBreakers;

// What the breaker reports to metrics and traces: calls by outcome, their duration (while listened to), and,
// when asked, an event on the caller's span for a rejected call.
public sealed partial class CircuitBreaker
{
    // Calls by outcome (CallOutcome, then rejected), read by the call counter when it is collected.
    private readonly StripedCounters _callCounts = new(CallOutcomeTags.All.Length);

    private void CountCall(CallOutcome outcome)
    {
        if (_instrumentation.CircuitCalls.Enabled)
        {
            _callCounts.Increment((int)outcome);
        }
    }

    // Out of line, as the rejection path's other work: the closed path's method stays small enough to inline.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountRejection(long word)
    {
        if (_instrumentation.CircuitCalls.Enabled)
        {
            _callCounts.Increment(CallOutcomeTags.Rejected);
        }

        if (SelfHealingActivitySource.Rejections.HasListeners())
        {
            MarkRejection(word);
        }
    }

    // Only timed calls get here (a listener on the duration histogram, or slow-call tracking).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordDuration(CallOutcome outcome, long started)
    {
        if (_callDuration.Enabled)
        {
            _callDuration.Record(_time.GetElapsedTime(started).TotalSeconds, _nameTag, CallOutcomeTags.All[(int)outcome]);
        }
    }

    // Kept out of the rejection path: only callers whose span is recorded pay for the event.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MarkRejection(long word)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.AddEvent(new ActivityEvent(SelfHealingActivitySource.CallRejectedEvent, tags: new ActivityTagsCollection
            {
                [SelfHealingMeter.CircuitNameTag] = Name,
                [SelfHealingMeter.StateTag] = StateTagValues[(int)StateOf(word)],
            }));
        }
    }
}
