namespace SelfHealing.Recovery;

/// <summary>The live, changing side of one incident: every change makes a new <see cref="Incident"/> snapshot under a lock.</summary>
internal sealed class IncidentRecord(Incident opened)
{
    private readonly Lock _gate = new();
    private Incident _current = opened;

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

    public Incident Change(Func<Incident, Incident> change)
    {
        lock (_gate)
        {
            return _current = change(_current);
        }
    }

    public Incident Note(DateTimeOffset time, string kind, string message) =>
        Change(i => i with { UpdatedAt = time, Timeline = [.. i.Timeline, new IncidentEntry(time, kind, message)] });
}
