using System.Globalization;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// <c>nemesis [--minutes N] [--seed S] [--keep] [--phase processes|partitions]</c> (or <c>nemesis --check {journals}</c> to judge kept journals again): the coordination package under faults, Jepsen-style. Seven tenths
/// of the time five node processes are killed and paused (<see cref="NemesisProcesses"/>), the rest five in-process
/// nodes are partitioned (<see cref="NemesisPartitions"/>, every kind at least once); then
/// <see cref="NemesisChecker"/> reads every journal and prints a table and, last, the issue's summary line.
/// </summary>
internal static class NemesisBenchmark
{
    /// <summary>How long a node's app may run with a value other than its node applied: a manual change that cannot reach the log is reverted after the command timeout (5 s).</summary>
    public static readonly TimeSpan DivergenceBound = TimeSpan.FromSeconds(6);

    public static async Task<int> RunAsync(string[] args)
    {
        int check = Array.IndexOf(args, "--check");
        if (check >= 0)
        {
            // Judge the journals of an earlier run again (kept with --keep).
            Print(NemesisChecker.Check(NemesisChecker.Read(Directory.EnumerateFiles(args[check + 1], "*.log", SearchOption.AllDirectories)), Option(args, "--minutes", 10), DivergenceBound));
            return 0;
        }

        double minutes = Option(args, "--minutes", 10);
        int seed = (int)Option(args, "--seed", 1);
        if (minutes is <= 0 or > 24 * 60 || double.IsNaN(minutes))
        {
            Console.Error.WriteLine($"--minutes must be above 0 and at most 1440; got {minutes}.");
            return 2;
        }

        int phase = Array.IndexOf(args, "--phase");
        string only = phase >= 0 && phase + 1 < args.Length ? args[phase + 1] : "both";
        if (only is not ("both" or "processes" or "partitions"))
        {
            Console.Error.WriteLine($"--phase must be processes or partitions (to run one phase for the whole time); got {only}.");
            return 2;
        }

        string root = Directory.CreateTempSubdirectory("selfhealing-nemesis-").FullName;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Nemesis: {minutes:0.##} min, seed {seed}{(only == "both" ? string.Empty : $", {only} only")}, {Environment.ProcessorCount} cores, journals in {root}"));
        try
        {
            TimeSpan total = TimeSpan.FromMinutes(minutes);
            using (var journal = new NemesisJournal(Path.Combine(root, "nemesis.log"), NemesisChecker.Nemesis))
            {
                if (only != "partitions")
                {
                    await using var processes = new NemesisProcesses(Path.Combine(root, "processes"), journal, seed);
                    Directory.CreateDirectory(Path.Combine(root, "processes"));
                    journal.Write("phase", "processes");
                    await processes.RunAsync(only == "processes" ? total : total * 0.7);
                }

                if (only != "processes")
                {
                    Directory.CreateDirectory(Path.Combine(root, "partitions"));
                    await using var partitions = new NemesisPartitions(Path.Combine(root, "partitions"), journal, seed + 1);
                    journal.Write("phase", "partitions");
                    await partitions.RunAsync(only == "partitions" ? total : total * 0.3);
                }
            }

            NemesisReport report = NemesisChecker.Check(
                NemesisChecker.Read(Directory.EnumerateFiles(root, "*.log", SearchOption.AllDirectories)),
                minutes,
                DivergenceBound);
            Print(report);
            return 0;
        }
        finally
        {
            if (args.Contains("--keep"))
            {
                Console.WriteLine($"journals kept in {root}");
            }
            else
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static void Print(NemesisReport r)
    {
        static string Ms(IReadOnlyList<double> v) => v.Count == 0
            ? "none"
            : string.Create(CultureInfo.InvariantCulture, $"{v.Count} × median {v.Order().ElementAt(v.Count / 2):0} ms, max {v.Max():0} ms");
        Console.WriteLine($"faults: {r.Faults} ({string.Join(", ", r.FaultsByKind.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))})");
        Console.WriteLine("| figure | value |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| lease grants acted on | {r.Grants} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| time two holders acted at once | {r.LeaseOverlapMs:0} ms |"));
        Console.WriteLine($"| steps with a token older than one already used (a fenced target refuses them) | {r.StaleActs} |");
        Console.WriteLine($"| configuration values acknowledged / refused / outcome unknown | {r.Acks} / {r.Refused} / {r.Unknown} |");
        Console.WriteLine($"| acknowledged values lost or rolled back | {r.LostAcks} |");
        Console.WriteLine($"| refused values applied later | {r.RefusedThenApplied} |");
        Console.WriteLine($"| actions granted on a minority side | {r.MinorityActions} |");
        Console.WriteLine($"| app ran with a value other than its node applied (> {DivergenceBound.TotalSeconds:0} s, or at the end) | {r.EffectiveDivergence} |");
        Console.WriteLine($"| nodes that needed a restart | {r.StuckNodes} |");
        Console.WriteLine($"| exceptions other than the documented ones | {r.Escapes} |");
        Console.WriteLine($"| nodes that did not stop cleanly | {r.Crashes} |");
        Console.WriteLine($"| new leader after the leader's process was killed | {Ms(r.KillFailovers)} |");
        Console.WriteLine($"| new leader after the leader's process was paused | {Ms(r.PauseFailovers)} |");
        Console.WriteLine($"| new leader after the leader was cut off alone | {Ms(r.PartitionFailovers)} |");
        foreach (string finding in r.Findings.Take(40))
        {
            Console.WriteLine($"finding: {finding}");
        }

        if (r.Findings.Count > 40)
        {
            Console.WriteLine($"... and {r.Findings.Count - 40} more findings");
        }

        Console.WriteLine(r.SummaryLine);
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 >= args.Length || !double.TryParse(args[at + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new ArgumentException($"{name} needs a number after it.");
        }

        return value;
    }
}
