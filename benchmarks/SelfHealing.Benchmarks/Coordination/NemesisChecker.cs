using System.Diagnostics;
using System.Globalization;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>One line of a nemesis journal: its kind, the node that wrote it, its monotonic timestamp and its fields.</summary>
internal readonly record struct NemesisRecord(string Kind, string Node, long Timestamp, string[] Fields)
{
    public static bool TryParse(string line, out NemesisRecord record)
    {
        string[] parts = line.Split(' ');
        if (parts.Length < 3 || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ts)
            || parts.Length - 3 < FieldsOf(parts[0]))
        {
            record = default;
            return false;
        }

        record = new NemesisRecord(parts[0], parts[1], ts, parts[3..]);
        return true;
    }

    /// <summary>How many fields a record of <paramref name="kind"/> has at least (a line cut short by a kill has fewer).</summary>
    private static int FieldsOf(string kind) => kind switch
    {
        "act" or "minority" => 1,
        "grant" or "ack" or "refused" or "unknown" or "applied" or "snap" or "leader" or "stuck" or "crashed" => 2,
        "fault" or "escape" => 3,
        "view" or "failover" => 4,
        "final" => 5,
        _ => 0,
    };

    public long Long(int field) => long.Parse(Fields[field], CultureInfo.InvariantCulture);
}

/// <summary>What the checker found; <see cref="SummaryLine"/> is the line the issue asks for.</summary>
internal sealed record NemesisReport(
    double Minutes,
    int Faults,
    double LeaseOverlapMs,
    int StaleActs,
    int Grants,
    int Acks,
    int LostAcks,
    int Refused,
    int Unknown,
    int EffectiveDivergence,
    int RefusedThenApplied,
    int MinorityActions,
    int StuckNodes,
    int Escapes,
    int Crashes,
    IReadOnlyList<double> KillFailovers,
    IReadOnlyList<double> PauseFailovers,
    IReadOnlyList<double> PartitionFailovers,
    IReadOnlyDictionary<string, int> FaultsByKind,
    IReadOnlyList<string> Findings)
{
    public string SummaryLine => string.Create(
        CultureInfo.InvariantCulture,
        $"nemesis minutes={Minutes:0.##} faults={Faults} lease_overlap_ms={LeaseOverlapMs:0} lost_acks={LostAcks} effective_divergence={EffectiveDivergence} refused_then_applied={RefusedThenApplied} minority_actions={MinorityActions} stuck_nodes={StuckNodes} failover_kill_p99_ms={P99(KillFailovers)} failover_pause_p99_ms={P99(PauseFailovers)}");

    /// <summary>The 99th percentile (nearest rank); <c>na</c> when nothing was measured.</summary>
    public static string P99(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return "na";
        }

        double[] sorted = [.. values.Order()];
        int rank = (int)Math.Ceiling(0.99 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)].ToString("0", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Reads every journal of a nemesis run (the nodes' and the nemesis's own) and judges it:
/// <list type="bullet">
/// <item>lease overlap: each grant's holding time runs from its holder's first step to its last; the time during which
/// holdings of two different nodes overlap is summed (steps are taken only while the holder's lease is valid);</item>
/// <item>lost acknowledgements: an acknowledged configuration value that no node ever applied, or whose log index some
/// node applied with another value;</item>
/// <item>refused then applied: a value refused as certainly not applied that some node applied;</item>
/// <item>minority actions: a value acknowledged or a lease granted to a node cut off on the minority side, for a request
/// it sent after the cut and answered before the heal;</item>
/// <item>effective divergence: at the end, a node whose replicated value or effective value differs from the others';
/// during the run, each time a node's app read a value other than the one its node had applied for longer than
/// <paramref name="divergenceBound"/> of running time;</item>
/// <item>stuck nodes: the nemesis's own verdicts (a node that did not answer again after its fault ended).</item>
/// </list>
/// </summary>
internal static class NemesisChecker
{
    public const string Nemesis = "nemesis";

    public static NemesisReport Check(IEnumerable<NemesisRecord> records, double minutes, TimeSpan divergenceBound)
    {
        List<NemesisRecord> all = [.. records.OrderBy(r => r.Timestamp)];
        var findings = new List<string>();
        double ms = 1000.0 / Stopwatch.Frequency;

        // Each phase is its own cluster, with its own log indexes and tokens.
        long[] phaseStarts = [.. all.Where(r => r.Node == Nemesis && r.Kind == "phase").Select(r => r.Timestamp)];
        int PhaseOf(long timestamp)
        {
            int phase = 0;
            while (phase < phaseStarts.Length && phaseStarts[phase] <= timestamp)
            {
                phase++;
            }

            return phase;
        }

        // Leases.
        var holdings = all.Where(r => r.Kind == "act")
            .GroupBy(r => (r.Node, Token: r.Long(0)))
            .Select(g => (g.Key.Node, g.Key.Token, Start: g.Min(r => r.Timestamp), End: g.Max(r => r.Timestamp)))
            .ToList();
        long overlapTicks = Overlap(holdings.Select(h => (h.Node, h.Start, h.End)).ToList());
        int stale = 0;
        long highest = long.MinValue;
        int actPhase = -1;
        foreach (NemesisRecord act in all.Where(r => r.Kind == "act"))
        {
            long token = act.Long(0);
            if (PhaseOf(act.Timestamp) != actPhase)
            {
                actPhase = PhaseOf(act.Timestamp);
                highest = long.MinValue;
            }

            if (token < highest)
            {
                stale++;
            }

            highest = Math.Max(highest, token);
        }

        // Configuration values through the log.
        var byIndex = new Dictionary<(int, long), HashSet<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var indexOf = new Dictionary<string, (int Phase, long Index)>(StringComparer.Ordinal);
        foreach (NemesisRecord r in all.Where(r => r.Kind is "applied" or "snap"))
        {
            (int, long) index = (PhaseOf(r.Timestamp), r.Long(0));
            string value = r.Fields[1];
            seen.Add(value);
            indexOf.TryAdd(value, index);
            if (!byIndex.TryGetValue(index, out HashSet<string>? values))
            {
                byIndex[index] = values = new HashSet<string>(StringComparer.Ordinal);
            }

            values.Add(value);
        }

        List<NemesisRecord> acks = [.. all.Where(r => r.Kind == "ack")];
        int lost = 0;
        foreach (NemesisRecord ack in acks)
        {
            string value = ack.Fields[1];
            if (!seen.Contains(value))
            {
                lost++;
                findings.Add($"acknowledged value {value} from {ack.Node} was never applied by any node");
            }
            else if (byIndex[indexOf[value]].Count > 1)
            {
                lost++;
                findings.Add($"acknowledged value {value} from {ack.Node} shares log index {indexOf[value].Index} with {string.Join(", ", byIndex[indexOf[value]].Where(v => v != value))}");
            }
        }

        List<NemesisRecord> refused = [.. all.Where(r => r.Kind == "refused")];
        int refusedThenApplied = 0;
        foreach (NemesisRecord r in refused.Where(r => seen.Contains(r.Fields[1])))
        {
            refusedThenApplied++;
            findings.Add($"value {r.Fields[1]} refused to {r.Node} was applied at index {indexOf[r.Fields[1]].Index}");
        }

        foreach (IGrouping<(int, long), string> conflict in byIndex.Where(p => p.Value.Count > 1).SelectMany(p => p.Value.Select(v => (p.Key, v))).GroupBy(p => p.Key, p => p.v))
        {
            findings.Add($"log index {conflict.Key.Item2} was applied with different values: {string.Join(", ", conflict)}");
        }

        // Minority sides.
        int minority = 0;
        var cuts = new List<(long From, long To, HashSet<string> Side)>();
        NemesisRecord? open = null;
        foreach (NemesisRecord r in all.Where(r => r.Node == Nemesis && r.Kind is "minority" or "healed"))
        {
            if (r.Kind == "minority")
            {
                open = r;
            }
            else if (open is { } o)
            {
                cuts.Add((o.Timestamp, r.Timestamp, [.. o.Fields[0].Split(',')]));
                open = null;
            }
        }

        if (open is { } unhealed)
        {
            cuts.Add((unhealed.Timestamp, long.MaxValue, [.. unhealed.Fields[0].Split(',')]));
        }

        foreach (NemesisRecord r in all.Where(r => r.Kind is "ack" or "grant"))
        {
            long sent = r.Long(0);
            if (cuts.Any(c => c.Side.Contains(r.Node) && sent > c.From && r.Timestamp < c.To))
            {
                minority++;
                findings.Add($"{r.Kind} on {r.Node} while it was cut off on the minority side");
            }
        }

        // What the app reads.
        int divergence = 0;
        long bound = (long)(divergenceBound.TotalSeconds * Stopwatch.Frequency);
        foreach (IGrouping<string, NemesisRecord> node in all.Where(r => r.Kind == "view").GroupBy(r => r.Node))
        {
            long diverged = 0;
            long? previous = null;
            bool counted = false;
            foreach (NemesisRecord view in node)
            {
                bool differs = view.Fields[1] != view.Fields[2];
                if (differs && previous is long p)
                {
                    diverged += Math.Min(view.Timestamp - p, Stopwatch.Frequency); // running time only: a paused node reads nothing
                }
                else if (!differs)
                {
                    diverged = 0;
                    counted = false;
                }

                previous = differs ? view.Timestamp : null;
                if (diverged > bound && !counted)
                {
                    counted = true;
                    divergence++;
                    findings.Add($"{node.Key} ran with {view.Fields[2]} while it had applied {view.Fields[1]} for over {divergenceBound.TotalSeconds:0} s");
                }
            }
        }

        List<NemesisRecord> finals = [.. all.Where(r => r.Node == Nemesis && r.Kind == "final")];
        if (finals.Count > 0)
        {
            foreach (IGrouping<string, NemesisRecord> cluster in finals.GroupBy(f => f.Fields.Length > 4 ? f.Fields[4] : string.Empty))
            {
                string agreed = cluster.MaxBy(f => f.Long(1)).Fields[2];
                foreach (NemesisRecord f in cluster.Where(f => f.Fields[2] != agreed || f.Fields[3] != f.Fields[2]))
                {
                    divergence++;
                    findings.Add($"at the end {f.Fields[0]} held {f.Fields[2]} and ran with {f.Fields[3]}, the cluster {agreed}");
                }
            }
        }

        List<NemesisRecord> faults = [.. all.Where(r => r.Node == Nemesis && r.Kind == "fault")];
        List<double> Failovers(string kind) => [.. all.Where(r => r.Node == Nemesis && r.Kind == "failover" && r.Fields[0] == kind).Select(r => double.Parse(r.Fields[1], CultureInfo.InvariantCulture))];
        List<NemesisRecord> escapes = [.. all.Where(r => r.Kind == "escape")];
        findings.AddRange(escapes.GroupBy(e => (e.Fields[0], e.Fields[1])).Select(g => $"{g.Count()} × {g.Key.Item2} escaped from {g.Key.Item1} ({g.First().Node}: {string.Join(' ', g.First().Fields.Skip(2))})"));
        List<NemesisRecord> stuck = [.. all.Where(r => r.Node == Nemesis && r.Kind == "stuck")];
        findings.AddRange(stuck.Select(s => $"{s.Fields[0]} was stuck: {string.Join(' ', s.Fields.Skip(1))}"));
        List<NemesisRecord> crashes = [.. all.Where(r => r.Kind == "crashed")];
        findings.AddRange(crashes.Select(c => $"{c.Node} did not stop cleanly: {string.Join(' ', c.Fields)}"));

        return new NemesisReport(
            minutes,
            faults.Count,
            overlapTicks * ms,
            stale,
            holdings.Count,
            acks.Count,
            lost,
            refused.Count,
            all.Count(r => r.Kind == "unknown"),
            divergence,
            refusedThenApplied,
            minority,
            stuck.Count,
            escapes.Count,
            crashes.Count,
            Failovers("kill"),
            Failovers("pause"),
            Failovers("partition"),
            faults.GroupBy(f => f.Fields[0]).ToDictionary(g => g.Key, g => g.Count()),
            findings);
    }

    /// <summary>The time during which holdings of at least two different nodes run at once.</summary>
    internal static long Overlap(List<(string Node, long Start, long End)> holdings)
    {
        var edges = holdings.SelectMany(h => new[] { (At: h.Start, h.Node, Delta: 1), (At: h.End, h.Node, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => -e.Delta)
            .ToList();
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        long total = 0;
        long last = 0;
        foreach ((long at, string node, int delta) in edges)
        {
            if (active.Count(p => p.Value > 0) >= 2)
            {
                total += at - last;
            }

            active[node] = active.GetValueOrDefault(node) + delta;
            last = at;
        }

        return total;
    }

    public static IEnumerable<NemesisRecord> Read(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
            {
                if (NemesisRecord.TryParse(line, out NemesisRecord record))
                {
                    yield return record;
                }
            }
        }
    }
}
