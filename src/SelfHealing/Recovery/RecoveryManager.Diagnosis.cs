using System.Globalization;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    // The incident's first snapshot: the probable root cause (the component itself when nothing upstream is in
    // trouble, otherwise the troubled upstream component whose trouble shows first) and the related events.
    private Incident Diagnose(string component, string failureType, HealthLevel? level, IReadOnlyList<string> affectedBy, string message, DateTimeOffset now)
    {
        HashSet<string> subjects = Dependencies(component);
        subjects.Add(component);

        var related = _recent.About(subjects, now - Options.DiagnosisWindow);
        string rootCause = affectedBy.Count == 0 ? component : ProbableRoot(affectedBy, now);
        long number = Interlocked.Increment(ref _incidentNumber);
        string id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{number:D4}-{component}");
        List<IncidentEntry> timeline = [.. related.Select(e => new IncidentEntry(e.Time, "event", e.Message))];
        timeline.Add(new IncidentEntry(now, "diagnosis", rootCause == component
            ? $"{message}; probable root cause: {component} itself"
            : $"{message}; probable root cause: {rootCause} (upstream in trouble: {string.Join(", ", affectedBy)})"));
        return new Incident(id, component, failureType, IncidentStatus.Open, now, now)
        {
            RootCause = rootCause,
            AffectedBy = affectedBy,
            Level = level,
            Timeline = timeline,
        };
    }

    // A component the manager cannot act on, in trouble, with dependencies but no upstream incident open yet: its
    // dependency's news may simply not have arrived (each component is checked on its own interval). Hold it for the
    // correlation window: if an incident opens meanwhile for something it depends on, it joins that incident (one root
    // cause, one incident, whatever order the news came in); otherwise it gets its own incident when the window ends.
    // Called under _gate.
    private bool Hold(string component, string failureType, string message)
    {
        TimeSpan window = Options.CorrelationWindow;
        if (window <= TimeSpan.Zero || _monitor.GetHealth(component) is not { DependsOn.Count: > 0 })
        {
            return false;
        }

        bool waiting = _held.ContainsKey(component);
        _held[component] = new HeldTrouble(failureType, message); // still waiting: the latest news counts
        if (!waiting)
        {
            _ = ReleaseAsync(component, window);
        }

        return true;
    }

    private async Task ReleaseAsync(string component, TimeSpan window)
    {
        try
        {
            await Task.Delay(window, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the manager stopped
        }

        HeldTrouble? held;
        lock (_gate)
        {
            _held.Remove(component, out held);
        }

        // Nothing upstream opened an incident: its own, if it is still in trouble.
        if (held is not null && _monitor.GetHealth(component) is { } health && health.Level >= Options.TriggerLevel)
        {
            Trigger(component, held.FailureType, health.Level, health.AffectedBy, held.Message, held: true);
        }
    }

    // An incident just opened for root: the held components that depend on it (directly or not) join it. Under _gate.
    private void JoinHeld(string root, IncidentRecord record, DateTimeOffset now)
    {
        foreach ((string component, HeldTrouble held) in _held.ToArray())
        {
            if (component != root && Dependencies(component).Contains(root))
            {
                _held.Remove(component);
                record.Note(now, "event", Join(root, component, held.Message));
            }
        }
    }

    // The components a component depends on, directly or not (at most 1,000).
    private HashSet<string> Dependencies(string component)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([component]);
        while (pending.Count > 0 && found.Count < 1000)
        {
            foreach (string dependency in _monitor.GetHealth(pending.Pop())?.DependsOn ?? [])
            {
                if (dependency != component && found.Add(dependency))
                {
                    pending.Push(dependency);
                }
            }
        }

        return found;
    }

    // Notes a component affected by root as part of root's incident; returns the timeline text. Under _gate.
    private string Join(string root, string component, string message)
    {
        (_joined.TryGetValue(root, out HashSet<string>? seen) ? seen : _joined[root] = new HashSet<string>(StringComparer.Ordinal)).Add(component);
        return $"{message} (affected by {root}: part of this incident)";
    }

    private sealed record HeldTrouble(string FailureType, string Message);

    // A dependency's trouble can show a check or two after its dependents' (each component is checked on its own
    // interval), and a short one may be over by then: before acting on a component that has dependencies and no troubled
    // upstream, wait the correlation window and diagnose again, from the health now and from the recent events, so one
    // root cause gets one action, on the root cause.
    private async Task<Incident> CorrelateAsync(IncidentRecord record, string component, CancellationToken stopping)
    {
        Incident incident = record.Current;
        TimeSpan window = Options.CorrelationWindow;
        if (incident.AffectedBy.Count > 0 || window <= TimeSpan.Zero || _monitor.GetHealth(component) is not { DependsOn.Count: > 0 })
        {
            return incident;
        }

        await Task.Delay(window, _time, stopping).ConfigureAwait(false);
        IReadOnlyList<string> upstream = _monitor.GetHealth(component)?.AffectedBy ?? [];
        if (upstream.Count == 0)
        {
            upstream = TroubledUpstream(component, incident.OpenedAt - window);
        }

        if (upstream.Count == 0)
        {
            return incident;
        }

        string rootCause = ProbableRoot(upstream, _time.GetUtcNow());
        record.Change(i => i with { AffectedBy = upstream, RootCause = rootCause });
        Note(record, "diagnosis", $"upstream trouble showed within {window.TotalMilliseconds:0} ms: probable root cause {rootCause} (upstream in trouble: {string.Join(", ", upstream)})");
        return record.Current;
    }

    // The dependencies (direct or not) of the component with bad news since the given time, keeping the root-most:
    // those none of whose own dependencies had bad news.
    private string[] TroubledUpstream(string component, DateTimeOffset since)
    {
        Dictionary<string, IReadOnlyList<string>> dependencies = Dependencies(component)
            .ToDictionary(d => d, d => _monitor.GetHealth(d)?.DependsOn ?? [], StringComparer.Ordinal);

        var troubled = _recent.About(new HashSet<string>(dependencies.Keys, StringComparer.Ordinal), since)
            .Where(e => e.Bad)
            .Select(e => e.Subject)
            .ToHashSet(StringComparer.Ordinal);
        return [.. troubled.Where(d => !Upstream(d).Any(troubled.Contains)).Order(StringComparer.Ordinal)];

        IEnumerable<string> Upstream(string name)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var next = new Stack<string>(dependencies.GetValueOrDefault(name) ?? []);
            while (next.Count > 0)
            {
                string d = next.Pop();
                if (seen.Add(d))
                {
                    foreach (string further in dependencies.GetValueOrDefault(d) ?? [])
                    {
                        next.Push(further);
                    }
                }
            }

            return seen;
        }
    }

    // Of the troubled upstream components, the one whose trouble shows first in the recent events: a dependency's
    // trouble explains its dependents', never the reverse, so the component itself is not a candidate.
    private string ProbableRoot(IReadOnlyList<string> affectedBy, DateTimeOffset now)
    {
        var related = _recent.About(new HashSet<string>(affectedBy, StringComparer.Ordinal), now - Options.DiagnosisWindow);
        return affectedBy
            .Select(c => (Name: c, First: related.Where(e => e.Bad && e.Subject == c).Select(e => (DateTimeOffset?)e.Time).FirstOrDefault()))
            .OrderBy(c => c.First ?? DateTimeOffset.MaxValue)
            .First().Name;
    }
}
