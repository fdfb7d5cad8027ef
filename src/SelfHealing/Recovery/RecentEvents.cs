namespace SelfHealing.Recovery;

/// <summary>A bounded ring of recent events about components, for diagnosis: which signal moved first, and the timeline.</summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly (DateTimeOffset Time, string Subject, string Kind, string Message, bool Bad)[] _ring = new (DateTimeOffset, string, string, string, bool)[capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public void Add(DateTimeOffset time, string subject, string kind, string message, bool bad)
    {
        lock (_gate)
        {
            _ring[_next] = (time, subject, kind, $"{kind}: {message}", bad);
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }
    }

    /// <summary>The events about <paramref name="subjects"/> since <paramref name="since"/>, oldest first.</summary>
    public List<(DateTimeOffset Time, string Subject, string Kind, string Message, bool Bad)> About(IReadOnlySet<string> subjects, DateTimeOffset since)
    {
        var found = new List<(DateTimeOffset, string, string, string, bool)>();
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                var e = _ring[(_next - _count + i + _ring.Length) % _ring.Length];
                if (e.Time >= since && subjects.Contains(e.Subject))
                {
                    found.Add(e);
                }
            }
        }

        return found;
    }
}
