using System.Diagnostics;
using System.Runtime.CompilerServices;
using SelfHealing.Telemetry;

namespace SelfHealing.CircuitBreakers;

// What the breaker reports to metrics and traces: calls by outcome, their duration (while listened to), and,
// when asked, an event on the caller's span for a rejected call.
public sealed partial class CircuitBreaker
{
    private void CountCall(CallOutcome outcome)
    {
        if (_instrumentation.CircuitCalls.Enabled)
        {
            _instrumentation.CircuitCalls.Add(1, _nameTag, OutcomeTags[(int)outcome]);
        }
    }

    private void CountRejection(long word)
    {
        if (SelfHealingActivitySource.Rejections.HasListeners())
        {
            MarkRejection(word);
        }

        if (_instrumentation.CircuitCalls.Enabled)
        {
            _instrumentation.CircuitCalls.Add(1, _nameTag, OutcomeTags[RejectedTagIndex]);
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
