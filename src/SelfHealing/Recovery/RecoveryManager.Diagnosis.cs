using System.Globalization;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

public sealed partial class RecoveryManager
{
    // How many related events an incident opens with: with one entry counting the earlier ones and the diagnosis, they
    // fit in the first entries a long timeline keeps (IncidentRecord.KeptFromStart).
    private const int RelatedAtOpening = IncidentRecord.KeptFromStart - 2;

    // The incident's first snapshot: the probable root cause (see Explain) and the related events.
    private Incident Diagnose(string component, string failureType, HealthLevel? level, IReadOnlyList<string> upstream, string message, DateTimeOffset now)
    {
        HashSet<string> subjects = Dependencies(component);
        subjects.Add(component);

        var related = _recent.About(subjects, now - Options.DiagnosisWindow);
        (string rootCause, IReadOnlyList<string> affectedBy) = Explain(component, upstream, now);
        long number = Interlocked.Increment(ref _incidentNumber);
        string id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{number:D4}-{component}");
        // The latest related events, so that with the diagnosis they fit in the head a long timeline keeps.
        int left = Math.Max(0, related.Count - RelatedAtOpening);
        List<IncidentEntry> timeline = [.. related.Skip(left).Select(e => new IncidentEntry(e.Time, "event", e.Message))];
        if (left > 0)
        {
            timeline.Insert(0, new IncidentEntry(related[left - 1].Time, "omitted", string.Create(
                CultureInfo.InvariantCulture, $"{left} earlier related events left out (an incident opens with the latest {RelatedAtOpening})")));
        }

        timeline.Add(new IncidentEntry(now, "diagnosis", (rootCause == component, upstream.Count) switch
        {
            (true, 0) => $"{message}; probable root cause: {component} itself",
            (true, _) => $"{message}; probable root cause: {component} itself (upstream in trouble, not explaining it: {string.Join(", ", upstream)})",
            _ => $"{message}; probable root cause: {rootCause} (upstream in trouble: {string.Join(", ", upstream)})",
        }));
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
            _work.Enter();
            _ = ReleaseAsync(component, window);
        }

        return true;
    }

    private async Task ReleaseAsync(string component, TimeSpan window)
    {
        try
        {
            await _work.WhileParkedAsync(Task.Delay(window, _time, _stopping.Token)).ConfigureAwait(false);
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
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // the manager stopped
        }
        finally
        {
            _work.Exit();
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

        await _work.WhileParkedAsync(Task.Delay(window, _time, stopping)).ConfigureAwait(false);
        IReadOnlyList<string> upstream = _monitor.GetHealth(component)?.AffectedBy ?? [];
        if (upstream.Count == 0)
        {
            upstream = TroubledUpstream(component, incident.OpenedAt - window);
        }

        if (upstream.Count == 0)
        {
            return incident;
        }

        (string rootCause, IReadOnlyList<string> explaining) = Explain(component, upstream, _time.GetUtcNow());
        if (explaining.Count == 0)
        {
            Note(record, "diagnosis", $"upstream trouble showed within {window.TotalMilliseconds:0} ms ({string.Join(", ", upstream)}) but does not explain {component}'s: probable root cause {component} itself");
            return record.Current;
        }

        record.Change(i => i with { AffectedBy = explaining, RootCause = rootCause });
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

    // The probable root cause of a component's trouble, given the troubled upstream components the graph names: of
    // the component and its troubled dependencies, the one whose reach best matches what is in trouble now or had bad
    // news within the correlation window (RootCauseRanking). The component itself when nothing upstream is in trouble or
    // nothing upstream explains it (then it is acted on); otherwise the dependency, which the run waits for.
    private (string RootCause, IReadOnlyList<string> AffectedBy) Explain(string component, IReadOnlyList<string> upstream, DateTimeOffset now)
    {
        if (upstream.Count == 0)
        {
            return (component, []);
        }

        IReadOnlyCollection<ComponentHealth> components = _monitor.Components;
        var graph = components.ToDictionary(c => c.Name, c => c.DependsOn, StringComparer.Ordinal);
        var troubled = new HashSet<string>(components.Where(c => c.Level != HealthLevel.Healthy).Select(c => c.Name), StringComparer.Ordinal) { component };
        troubled.UnionWith(_recent.About(new HashSet<string>(graph.Keys, StringComparer.Ordinal), now - Options.CorrelationWindow).Where(e => e.Bad).Select(e => e.Subject));
        string[] candidates = [component, .. upstream, .. Dependencies(component).Where(troubled.Contains).Order(StringComparer.Ordinal)];
        var related = _recent.About(new HashSet<string>(candidates, StringComparer.Ordinal), now - Options.DiagnosisWindow);
        string best = RootCauseRanking.Best(graph, troubled, candidates, c => related.Where(e => e.Bad && e.Subject == c).Select(e => (DateTimeOffset?)e.Time).FirstOrDefault());
        return best == component ? (component, []) : (best, [best]);
    }
}
