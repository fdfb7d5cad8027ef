namespace SelfHealing.Recovery;

/// <summary>
/// Of the candidates for a component's root cause (the component and the troubled components it depends on), the one
/// that best explains what is in trouble. A candidate's trouble would show in itself and in everything that depends on
/// it, directly or not; the best candidate is the one whose reach matches the troubled components best (the F1 score
/// of its reach against them: covering the trouble, and not predicting trouble where everything is fine; trouble no
/// candidate reaches does not count). So a process that every component depends on, busy because one dependency fails,
/// does not explain that dependency's failure (it would have troubled everything), while a process whose trouble shows
/// in most components does. Ties go to the candidate whose trouble showed first, then to the one further upstream.
/// </summary>
internal static class RootCauseRanking
{
    /// <summary>Ranks the candidates; returns the best.</summary>
    /// <param name="graph">Every known component with the components it depends on.</param>
    /// <param name="troubled">The components in trouble (now, or with bad news in the correlation window).</param>
    /// <param name="candidates">The component and its troubled dependencies, direct or not.</param>
    /// <param name="firstBad">When a candidate's trouble first showed, if known.</param>
    public static string Best(
        IReadOnlyDictionary<string, IReadOnlyList<string>> graph,
        IReadOnlySet<string> troubled,
        IReadOnlyList<string> candidates,
        Func<string, DateTimeOffset?> firstBad)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        Dictionary<string, List<string>> dependents = Dependents(graph);
        var reaches = candidates.Distinct(StringComparer.Ordinal).ToDictionary(c => c, c => Reach(c, dependents), StringComparer.Ordinal);

        // Only the trouble some candidate could explain counts: trouble elsewhere says nothing about this component.
        var relevant = new HashSet<string>(troubled.Where(t => reaches.Values.Any(r => r.Contains(t))), StringComparer.Ordinal);
        return reaches
            .Select(c => (Name: c.Key, Score: Score(c.Value, relevant), First: firstBad(c.Key) ?? DateTimeOffset.MaxValue, Upstream: c.Value.Count))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.First)
            .ThenByDescending(c => c.Upstream)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .First().Name;
    }

    // The F1 score of a reach against the troubled set: 2·|both| / (|reach| + |troubled|).
    private static double Score(HashSet<string> reach, HashSet<string> troubled)
    {
        int both = reach.Count(troubled.Contains);
        return reach.Count + troubled.Count == 0 ? 0 : 2.0 * both / (reach.Count + troubled.Count);
    }

    // The component and everything that depends on it, directly or not.
    private static HashSet<string> Reach(string component, Dictionary<string, List<string>> dependents)
    {
        var reach = new HashSet<string>(StringComparer.Ordinal) { component };
        var pending = new Stack<string>([component]);
        while (pending.Count > 0)
        {
            foreach (string dependent in dependents.GetValueOrDefault(pending.Pop()) ?? [])
            {
                if (reach.Add(dependent))
                {
                    pending.Push(dependent);
                }
            }
        }

        return reach;
    }

    private static Dictionary<string, List<string>> Dependents(IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach ((string component, IReadOnlyList<string> dependsOn) in graph)
        {
            foreach (string dependency in dependsOn)
            {
                (dependents.TryGetValue(dependency, out List<string>? list) ? list : dependents[dependency] = []).Add(component);
            }
        }

        return dependents;
    }
}
