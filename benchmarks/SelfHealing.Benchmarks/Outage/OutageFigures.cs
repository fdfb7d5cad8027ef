using System.Globalization;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>How one phase of trouble or recovery went for the breaker: when it opened or closed after the switch, if it did.</summary>
internal sealed record PhaseReaction(PhaseRun Run, CircuitState Awaited, TimeSpan? After);

/// <summary>How long <c>/health</c> took to show a breaker transition (zero when the first poll after it did).</summary>
internal sealed record HealthLag(Transition Transition, string Expected, TimeSpan? Lag);

/// <summary>The replay's figures, as the summary line states them.</summary>
internal sealed class OutageFigures
{
    private OutageFigures(OutageRecording recording)
    {
        Recording = recording;
    }

    public OutageRecording Recording { get; }

    public IReadOnlyList<PhaseReaction> Openings { get; private init; } = [];

    public IReadOnlyList<PhaseReaction> Closings { get; private init; } = [];

    public IReadOnlyList<HealthLag> Lags { get; private init; } = [];

    /// <summary>The worst time to open over the failing and refusing phases (the phase's length when it never opened).</summary>
    public TimeSpan OpenTime => Worst(Openings.Where(o => o.Run.Phase.Mode is DependencyMode.Failing or DependencyMode.Refusing));

    /// <summary>The time to open on 2 s answers.</summary>
    public TimeSpan SlowOpenTime => Worst(Openings.Where(o => o.Run.Phase.Mode == DependencyMode.Slow));

    /// <summary>The worst time to close after the dependency recovered.</summary>
    public TimeSpan CloseTime => Worst(Closings);

    /// <summary>How long <c>/health</c> answered 503 (each 503 poll counts until the next poll).</summary>
    public TimeSpan Health503 { get; private init; }

    /// <summary>The worst lag of <c>/health</c> behind a breaker transition.</summary>
    public TimeSpan HealthLagWorst => Lags.Select(l => l.Lag ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();

    public static OutageFigures From(OutageRecording recording)
    {
        var openings = new List<PhaseReaction>();
        var closings = new List<PhaseReaction>();
        OutagePhase? previous = null;
        foreach (PhaseRun run in recording.Phases)
        {
            if (run.Phase.Mode != DependencyMode.Healthy)
            {
                openings.Add(new PhaseReaction(run, CircuitState.Open, FirstAfter(recording, run, CircuitState.Open)));
            }
            else if (previous is { Mode: not DependencyMode.Healthy })
            {
                closings.Add(new PhaseReaction(run, CircuitState.Closed, FirstAfter(recording, run, CircuitState.Closed)));
            }

            previous = run.Phase;
        }

        IReadOnlyList<HealthPoll> polls = recording.Polls;
        TimeSpan unavailable = TimeSpan.Zero;
        for (int i = 0; i < polls.Count; i++)
        {
            if (polls[i].Status == 503)
            {
                DateTimeOffset until = i + 1 < polls.Count ? polls[i + 1].Sent : polls[i].Received;
                unavailable += until - polls[i].Sent;
            }
        }

        return new OutageFigures(recording)
        {
            Openings = openings,
            Closings = closings,
            Lags = LagsOf(recording),
            Health503 = unavailable,
        };
    }

    /// <summary>The summary line the issue specifies (the last line the command prints).</summary>
    public string SummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"outage open_ms={OpenTime.TotalMilliseconds:F0} close_ms={CloseTime.TotalMilliseconds:F0} health_503_s={Health503.TotalSeconds:0.#} health_lag_ms={HealthLagWorst.TotalMilliseconds:F0} slow_open_ms={SlowOpenTime.TotalMilliseconds:F0} errors_logged={Recording.Errors} warnings_logged={Recording.Warnings}");

    private static TimeSpan Worst(IEnumerable<PhaseReaction> reactions) =>
        reactions.Select(r => r.After ?? r.Run.End - r.Run.Start).DefaultIfEmpty(TimeSpan.Zero).Max();

    private static TimeSpan? FirstAfter(OutageRecording recording, PhaseRun run, CircuitState state) =>
        recording.Transitions.FirstOrDefault(t => t.To == state && t.At >= run.Start && t.At < run.End) is { } found ? found.At - run.Start : null;

    // For each transition, what /health should say while it stands (Closed: Healthy; any other state: Degraded, the
    // default HealthWhenOpen), and how long after it the polls still said something else. A transition superseded
    // before any poll was sent is not judged.
    private static List<HealthLag> LagsOf(OutageRecording recording)
    {
        var lags = new List<HealthLag>();
        IReadOnlyList<Transition> transitions = recording.Transitions;
        for (int i = 0; i < transitions.Count; i++)
        {
            Transition transition = transitions[i];
            string expected = transition.To is CircuitState.Closed or CircuitState.Disabled ? "Healthy" : "Degraded";
            DateTimeOffset until = i + 1 < transitions.Count ? transitions[i + 1].At : DateTimeOffset.MaxValue;
            HealthPoll[] during = [.. recording.Polls.Where(p => p.Sent >= transition.At && p.Sent < until)];
            if (during.Length == 0)
            {
                continue;
            }

            int first = Array.FindIndex(during, p => p.BodyStatus == expected);
            TimeSpan? lag = first switch
            {
                0 => TimeSpan.Zero,
                > 0 => during[first].Sent - transition.At,
                _ => until == DateTimeOffset.MaxValue ? null : until - transition.At,
            };
            lags.Add(new HealthLag(transition, expected, lag));
        }

        return lags;
    }
}
