using System.Globalization;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    // The incident's first snapshot: the probable root cause (the component itself when nothing upstream is in
    // trouble, otherwise the troubled upstream component whose trouble shows first) and the related events.
    private Incident Diagnose(string component, string failureType, HealthLevel? level, IReadOnlyList<string> affectedBy, string message, DateTimeOffset now)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal) { component };
        var pending = new Stack<string>([component]);
        while (pending.Count > 0 && subjects.Count < 1000)
        {
            foreach (string dependency in _monitor.GetHealth(pending.Pop())?.DependsOn ?? [])
            {
                if (subjects.Add(dependency))
                {
                    pending.Push(dependency);
                }
            }
        }

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
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var pending = new Stack<string>([component]);
        while (pending.Count > 0 && dependencies.Count < 1000)
        {
            foreach (string dependency in _monitor.GetHealth(pending.Pop())?.DependsOn ?? [])
            {
                if (dependency != component && !dependencies.ContainsKey(dependency))
                {
                    dependencies[dependency] = _monitor.GetHealth(dependency)?.DependsOn ?? [];
                    pending.Push(dependency);
                }
            }
        }

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
