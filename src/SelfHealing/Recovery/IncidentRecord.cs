using System.Diagnostics;
using SelfHealing.Telemetry;

namespace SelfHealing.Recovery;

/// <summary>
/// The live, changing side of one incident: every change makes a new <see cref="Incident"/> snapshot under a lock.
/// The timeline is bounded: past <see cref="MaxTimeline"/> entries it keeps the first <see cref="KeptFromStart"/> (the
/// diagnosis), one entry counting what was left out, and the latest. When traced, every entry is also an event on the
/// incident's span.
/// </summary>
internal sealed class IncidentRecord
{
    /// <summary>The most entries an incident's timeline keeps.</summary>
    public const int MaxTimeline = 200;

    /// <summary>How many of the first entries a long timeline keeps.</summary>
    public const int KeptFromStart = 20;

    private readonly Lock _gate = new();
    private Incident _current;
    private Activity? _span;
    private long _omitted;

    public IncidentRecord(Incident opened)
    {
        _current = opened with { Timeline = Bounded([.. opened.Timeline]) };
    }

    public Incident Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Gets the incident's span while it is open, or <see langword="null"/> when it is not traced.</summary>
    public Activity? Span
    {
        get
        {
            lock (_gate)
            {
                return _span;
            }
        }
    }

    /// <summary>Gives the incident its span; the timeline so far becomes its first events.</summary>
    public void Attach(Activity span)
    {
        lock (_gate)
        {
            _span = span;
            foreach (IncidentEntry entry in _current.Timeline)
            {
                AddEvent(span, entry);
            }
        }
    }

    /// <summary>Takes the span away to end it; later entries are not traced.</summary>
    public Activity? Detach()
    {
        lock (_gate)
        {
            Activity? span = _span;
            _span = null;
            return span;
        }
    }

    public Incident Change(Func<Incident, Incident> change)
    {
        lock (_gate)
        {
            Incident before = _current;
            _current = change(_current);
            if (!ReferenceEquals(before.Timeline, _current.Timeline) && _current.Timeline.Count > 0
                && (before.Timeline.Count == 0 || !ReferenceEquals(before.Timeline[^1], _current.Timeline[^1])))
            {
                _current = _current with { Timeline = Bounded([.. _current.Timeline]) };
                if (_span is { } span)
                {
                    AddEvent(span, _current.Timeline[^1]); // a change adds one entry at a time
                }
            }

            return _current;
        }
    }

    public Incident Note(DateTimeOffset time, string kind, string message) =>
        Change(i => i with { UpdatedAt = time, Timeline = [.. i.Timeline, new IncidentEntry(time, kind, message)] });

    // The first KeptFromStart entries, one entry counting those left out, and the latest: at most MaxTimeline in all.
    private List<IncidentEntry> Bounded(List<IncidentEntry> timeline)
    {
        if (timeline.Count <= MaxTimeline)
        {
            return timeline;
        }

        bool summarized = _omitted > 0;
        int tail = MaxTimeline - KeptFromStart - 1;
        int tailStart = timeline.Count - tail;
        _omitted += tailStart - KeptFromStart - (summarized ? 1 : 0);
        var bounded = new List<IncidentEntry>(MaxTimeline);
        bounded.AddRange(timeline.GetRange(0, KeptFromStart));
        bounded.Add(new IncidentEntry(timeline[tailStart - 1].Time, "omitted", string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{_omitted} entries left out here (a timeline keeps {MaxTimeline}: the first {KeptFromStart} and the latest)")));
        bounded.AddRange(timeline.GetRange(tailStart, tail));
        return bounded;
    }

    private static void AddEvent(Activity span, IncidentEntry entry)
    {
        if (span.IsAllDataRequested)
        {
            span.AddEvent(new ActivityEvent(entry.Kind, entry.Time, new ActivityTagsCollection
            {
                [SelfHealingActivitySource.MessageAttribute] = entry.Message,
            }));
        }
    }
}
