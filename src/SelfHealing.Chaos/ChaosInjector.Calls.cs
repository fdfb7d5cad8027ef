using System.Net;

namespace SelfHealing.Chaos;

public sealed partial class ChaosInjector
{
    private ValueTask<object?> BeforeCallAsync(string target, Type resultType, CancellationToken cancellationToken) =>
        Apply(Volatile.Read(ref _calls), 0, target, resultType, cancellationToken);

    // Runs the active call faults on the target from one snapshot, in the order they started: each delay as it comes,
    // then the first fault that ends the call (throws, hangs, or answers for it).
    private ValueTask<object?> Apply(ActiveChaosFault[] calls, int from, string target, Type resultType, CancellationToken cancellationToken)
    {
        for (int i = from; i < calls.Length; i++)
        {
            ActiveChaosFault active = calls[i];
            if (!active.IsActive || !string.Equals(active.Fault.Target, target, StringComparison.Ordinal) || !Hits(active.Fault.InjectionRate))
            {
                continue;
            }

            switch (active.Fault.Kind)
            {
                case ChaosFaultKind.Latency:
                case ChaosFaultKind.GradualSlowdown:
                    TimeSpan delay = DelayOf(active);
                    if (delay > TimeSpan.Zero)
                    {
                        return DelayThenApplyAsync(delay, calls, i + 1, target, resultType, cancellationToken);
                    }

                    break;
                case ChaosFaultKind.Timeout:
                    return HangThenApplyAsync(active, calls, i + 1, target, resultType, cancellationToken);
                case ChaosFaultKind.ErrorResult when resultType == typeof(HttpResponseMessage):
                    return new(new HttpResponseMessage((HttpStatusCode)active.Fault.StatusCode) { ReasonPhrase = "Injected fault " + active.Id });
                default:
                    throw new ChaosException(active.Id, active.Fault);
            }
        }

        return new((object?)null);
    }

    private async ValueTask<object?> DelayThenApplyAsync(TimeSpan delay, ActiveChaosFault[] calls, int next, string target, Type resultType, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return await Apply(calls, next, target, resultType, cancellationToken).ConfigureAwait(false);
    }

    // A timeout fault holds the call until the caller gives up (the breaker's timeout cancels the token) or the fault stops.
    private async ValueTask<object?> HangThenApplyAsync(ActiveChaosFault active, ActiveChaosFault[] calls, int next, string target, Type resultType, CancellationToken cancellationToken)
    {
        await active.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Apply(calls, next, target, resultType, cancellationToken).ConfigureAwait(false);
    }

    // A latency fault's delay, or a slowdown's: zero at its start, growing linearly to its latency over its ramp.
    private TimeSpan DelayOf(ActiveChaosFault active)
    {
        ChaosFault fault = active.Fault;
        if (fault.Kind == ChaosFaultKind.Latency || fault.Ramp <= TimeSpan.Zero)
        {
            return fault.Latency;
        }

        double share = Math.Min(1, _time.GetElapsedTime(active.StartedTimestamp) / fault.Ramp);
        return fault.Latency * share;
    }

    private bool Hits(double rate)
    {
        if (rate >= 1)
        {
            return true;
        }

        if (rate <= 0)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < rate;
        }
    }
}
