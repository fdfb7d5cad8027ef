namespace SelfHealing.Recovery;

/// <summary>One piece of news about a component, as diagnosis reads it.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Subject">The component (or breaker, or metric) it is about.</param>
/// <param name="Kind">health, breaker, anomaly or forecast.</param>
/// <param name="Message">What happened, prefixed by the kind.</param>
/// <param name="Bad">Whether it is bad news (a level worsened, a breaker opened, an anomaly, a forecast breach).</param>
internal readonly record struct RecentEvent(DateTimeOffset Time, string Subject, string Kind, string Message, bool Bad);

/// <summary>A bounded ring of recent events about components, for diagnosis: which signal moved first, and the timeline.</summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly RecentEvent[] _ring = new RecentEvent[capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public void Add(DateTimeOffset time, string subject, string kind, string message, bool bad)
    {
        lock (_gate)
        {
            _ring[_next] = new RecentEvent(time, subject, kind, $"{kind}: {message}", bad);
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }
    }

    /// <summary>The events about <paramref name="subjects"/> since <paramref name="since"/>, oldest first.</summary>
    public List<RecentEvent> About(IReadOnlySet<string> subjects, DateTimeOffset since)
    {
        var found = new List<RecentEvent>();
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                RecentEvent e = _ring[(_next - _count + i + _ring.Length) % _ring.Length];
                if (e.Time >= since && subjects.Contains(e.Subject))
                {
                    found.Add(e);
                }
            }
        }

        return found;
    }
}
