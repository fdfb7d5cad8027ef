using System.Diagnostics;
using SelfHealing.Telemetry;

namespace SelfHealing.Recovery;

/// <summary>
/// The live, changing side of one incident: every change makes a new <see cref="Incident"/> snapshot under a lock.
/// When traced, every timeline entry is also an event on the incident's span.
/// </summary>
internal sealed class IncidentRecord(Incident opened)
{
    private readonly Lock _gate = new();
    private Incident _current = opened;
    private Activity? _span;

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
            if (_span is { } span && _current.Timeline.Count > before.Timeline.Count)
            {
                for (int i = before.Timeline.Count; i < _current.Timeline.Count; i++)
                {
                    AddEvent(span, _current.Timeline[i]);
                }
            }

            return _current;
        }
    }

    public Incident Note(DateTimeOffset time, string kind, string message) =>
        Change(i => i with { UpdatedAt = time, Timeline = [.. i.Timeline, new IncidentEntry(time, kind, message)] });

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
