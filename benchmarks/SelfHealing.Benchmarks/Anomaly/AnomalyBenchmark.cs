using System.Diagnostics;
using System.Globalization;
using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Benchmarks.Anomaly;

/// <summary>
/// Scores the library's default <see cref="AnomalyDetector"/> on a NAB-style corpus:
/// <c>dotnet run -c Release --project benchmarks/SelfHealing.Benchmarks -- anomaly &lt;folder&gt; [--reference] [--per-file] [--windows]</c>.
/// Every series is fed row by row to a fresh detector with default options; NAB's corpus-wide threshold is picked per
/// profile; a table per category follows, and the summary line comes last. <c>--reference</c> scores NAB's
/// every-100th-row detector instead, whose figures the corpus's README states (a check of the scorer);
/// <c>--per-file</c> adds a line per series, <c>--windows</c> the best score in each window and every false alarm.
/// </summary>
internal static class AnomalyBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: anomaly <folder> [--reference] [--per-file] [--windows]   (folder: data/<category>/*.csv and windows.json)");
            return 2;
        }

        IReadOnlyList<NabSeries> corpus = NabCorpus.Load(args[1]);
        bool reference = args.Contains("--reference");
        (List<double[]> scores, double nsPerRow) = reference ? ([.. corpus.Select(EveryHundredth)], 0) : Detect(corpus);

        int rows = corpus.Sum(s => s.Values.Length);
        Console.WriteLine($"{corpus.Count} series, {rows:N0} rows, {corpus.Sum(s => s.Windows.Length)} windows; detector: {(reference ? "every 100th row (reference)" : "AnomalyDetector, default options")}");
        double ownThreshold = reference ? 0.5 : new AnomalyDetectorOptions().Threshold;
        var results = new Dictionary<NabProfile, NabScore>();
        foreach (NabProfile profile in NabProfile.All)
        {
            NabScore best = NabScorer.Optimize(corpus, scores, profile);
            NabScore own = NabScorer.Score(corpus, scores, profile, ownThreshold);
            results[profile] = best;
            double missed = -profile.FalseNegative * (best.Windows - best.DetectedWindows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{profile.Name,-9} NAB's best threshold {best.Threshold:G4}: score {best.Normalized:F2} (raw {best.Raw:F2} = found {best.Raw - best.FalseAlarmCost - missed:F2}, missed {missed:F2}, false alarms {best.FalseAlarmCost:F2}), windows {best.DetectedWindows}/{best.Windows}, false alarm rows {best.FalseAlarms}; " +
                $"at {(reference ? "threshold" : "the detector's own threshold")} {ownThreshold:G3}: {own.Normalized:F2}, windows {own.DetectedWindows}/{own.Windows}, false alarm rows {own.FalseAlarms}"));
        }

        double threshold = results[NabProfile.Standard].Threshold;
        PrintCategories(corpus, scores, threshold);
        if (args.Contains("--per-file"))
        {
            PrintFiles(corpus, scores, threshold);
        }

        if (args.Contains("--windows"))
        {
            PrintWindows(corpus, scores, threshold);
        }

        NabScore standard = results[NabProfile.Standard];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"anomaly standard={standard.Normalized:F2} low_fp={results[NabProfile.RewardLowFalsePositives].Normalized:F2} low_fn={results[NabProfile.RewardLowFalseNegatives].Normalized:F2} windows={standard.DetectedWindows}/{standard.Windows} false_alarms_per_1000={standard.FalseAlarmsPerThousand:F2} ns_per_row={nsPerRow:F0}"));
        return 0;
    }

    /// <summary>
    /// Runs a fresh default detector over every series. An anomaly under way raises one alarm, so NAB sees the score of
    /// its first row and 0 for the rows after it. The cost is the mean over all rows, the best of three passes.
    /// </summary>
    internal static (List<double[]> Scores, double NsPerRow) Detect(IReadOnlyList<NabSeries> corpus)
    {
        List<double[]> scores = [];
        double bestNs = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            scores = [];
            long elapsed = 0;
            long rows = 0;
            foreach (NabSeries series in corpus)
            {
                var detector = new AnomalyDetector();
                var rowScores = new double[series.Values.Length];
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < rowScores.Length; i++)
                {
                    AnomalyScore score = detector.Observe(series.Timestamps[i], series.Values[i]);
                    rowScores[i] = score.Phase is AnomalyPhase.Continuing or AnomalyPhase.Ended ? 0 : score.Score;
                }

                elapsed += Stopwatch.GetTimestamp() - start;
                rows += rowScores.Length;
                scores.Add(rowScores);
            }

            bestNs = Math.Min(bestNs, elapsed * 1e9 / Stopwatch.Frequency / rows);
        }

        return (scores, bestNs);
    }

    /// <summary>NAB's reference detector for checking a scorer: 1.0 on rows 0, 100, 200, ... and 0.0 elsewhere.</summary>
    internal static double[] EveryHundredth(NabSeries series)
    {
        var scores = new double[series.Values.Length];
        for (int i = 0; i < scores.Length; i += 100)
        {
            scores[i] = 1.0;
        }

        return scores;
    }

    private static void PrintCategories(IReadOnlyList<NabSeries> corpus, List<double[]> scores, double threshold)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Per category at the standard profile's threshold {threshold:G4}:"));
        Console.WriteLine();
        Console.WriteLine("| category | series | rows | windows found | false alarm rows | per 1,000 rows | standard raw |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (IGrouping<string, int> group in Enumerable.Range(0, corpus.Count).GroupBy(i => corpus[i].Category))
        {
            NabSeries[] part = [.. group.Select(i => corpus[i])];
            double[][] partScores = [.. group.Select(i => scores[i])];
            NabScore s = NabScorer.Score(part, partScores, NabProfile.Standard, threshold);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} | {part.Length} | {part.Sum(p => p.Values.Length):N0} | {s.DetectedWindows}/{s.Windows} | {s.FalseAlarms} | {s.FalseAlarmsPerThousand:F2} | {s.Raw:F2} |"));
        }

        Console.WriteLine();
    }

    private static void PrintFiles(IReadOnlyList<NabSeries> corpus, List<double[]> scores, double threshold)
    {
        for (int i = 0; i < corpus.Count; i++)
        {
            NabScore s = NabScorer.Score([corpus[i]], [scores[i]], NabProfile.Standard, threshold);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {corpus[i].Name,-60} windows {s.DetectedWindows}/{s.Windows}, false alarm rows {s.FalseAlarms,3}, standard raw {s.Raw,6:F2}"));
        }

        Console.WriteLine();
    }

    /// <summary>For each window: its best score and where (0 = first row, 1 = last), and where the first alarm fell; then every false alarm.</summary>
    private static void PrintWindows(IReadOnlyList<NabSeries> corpus, List<double[]> scores, double threshold)
    {
        for (int i = 0; i < corpus.Count; i++)
        {
            int probation = NabScorer.ProbationaryRows(corpus[i].Values.Length);
            foreach ((int first, int last) in corpus[i].Windows)
            {
                int from = Math.Max(first, probation);
                int best = from;
                int firstAlarm = -1;
                for (int r = from; r <= last; r++)
                {
                    best = scores[i][r] > scores[i][best] ? r : best;
                    firstAlarm = firstAlarm < 0 && scores[i][r] >= threshold ? r : firstAlarm;
                }

                double width = last - first + 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  window {corpus[i].Name} rows {first}-{last}: best score {scores[i][best]:F3} at {(best - first) / width:F2}, first alarm {(firstAlarm < 0 ? "none" : ((firstAlarm - first) / width).ToString("F2", CultureInfo.InvariantCulture))}"));
            }

            for (int r = probation; r < scores[i].Length; r++)
            {
                if (scores[i][r] >= threshold && !corpus[i].Windows.Any(w => r >= w.First && r <= w.Last))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  false alarm {corpus[i].Name} row {r}: score {scores[i][r]:F3}"));
                }
            }
        }

        Console.WriteLine();
    }
}
