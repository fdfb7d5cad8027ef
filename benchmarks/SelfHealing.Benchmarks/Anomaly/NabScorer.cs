namespace SelfHealing.Benchmarks.Anomaly;

/// <summary>The weights of one NAB application profile.</summary>
/// <param name="Name">The profile's name as the summary line prints it.</param>
/// <param name="TruePositive">A_tp, the reward for an alarm at the very start of a window.</param>
/// <param name="FalsePositive">A_fp, the cost of an alarm far from any window.</param>
/// <param name="FalseNegative">A_fn, the cost of a window without an alarm.</param>
internal sealed record NabProfile(string Name, double TruePositive, double FalsePositive, double FalseNegative)
{
    public static readonly NabProfile Standard = new("standard", 1, 0.11, 1);
    public static readonly NabProfile RewardLowFalsePositives = new("low_fp", 1, 0.22, 1);
    public static readonly NabProfile RewardLowFalseNegatives = new("low_fn", 1, 0.11, 2);
    public static readonly NabProfile[] All = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>What one threshold earns on a corpus under one profile.</summary>
/// <param name="Threshold">A row with a score at or above it is an alarm (infinity: no alarm at all).</param>
/// <param name="Raw">The sum of the rewards and costs.</param>
/// <param name="Normalized">100 × (raw − null) / (perfect − null).</param>
/// <param name="DetectedWindows">Windows with at least one alarm.</param>
/// <param name="Windows">All windows.</param>
/// <param name="FalseAlarms">Alarm rows outside every window (scored rows only).</param>
/// <param name="ScoredRows">Rows past the probationary periods.</param>
internal sealed record NabScore(double Threshold, double Raw, double Normalized, int DetectedWindows, int Windows, int FalseAlarms, int ScoredRows)
{
    /// <summary>Gets the part of <see cref="Raw"/> that false alarms cost.</summary>
    public double FalseAlarmCost { get; init; }

    public double FalseAlarmsPerThousand => ScoredRows == 0 ? 0 : 1000.0 * FalseAlarms / ScoredRows;
}

/// <summary>
/// Scores anomaly scores the way the Numenta Anomaly Benchmark does (Lavin &amp; Ahmad 2015): probationary rows are
/// not scored; inside a window only the earliest alarm counts, weighted by a sigmoid of its position; an alarm
/// outside the windows costs more the further it is past the preceding window; a window without an alarm costs A_fn.
/// One threshold serves the whole corpus, and <see cref="Optimize"/> picks the best one as NAB's sweep does.
/// </summary>
internal static class NabScorer
{
    private const double ProbationaryFraction = 0.15;

    /// <summary>Rows at the start of a series of <paramref name="rows"/> rows that are not scored.</summary>
    public static int ProbationaryRows(int rows) => (int)Math.Min(Math.Floor(ProbationaryFraction * rows), ProbationaryFraction * 5000);

    /// <summary>The score of every row at one threshold.</summary>
    public static NabScore Score(IReadOnlyList<NabSeries> corpus, IReadOnlyList<double[]> scores, NabProfile profile, double threshold)
    {
        Row[] rows = Rows(corpus, scores, profile, out int windows, out int scored);
        var best = new double[windows];
        var detected = new bool[windows];
        double fp = 0;
        int falseAlarms = 0;
        foreach (Row row in rows)
        {
            if (row.Score < threshold)
            {
                continue;
            }

            if (row.Window < 0)
            {
                fp += row.Weight;
                falseAlarms++;
            }
            else if (!detected[row.Window] || row.Weight > best[row.Window])
            {
                detected[row.Window] = true;
                best[row.Window] = row.Weight;
            }
        }

        int hits = detected.Count(d => d);
        double raw = fp + best.Sum() - (profile.FalseNegative * (windows - hits));
        return new NabScore(threshold, raw, Normalize(raw, windows, profile), hits, windows, falseAlarms, scored) { FalseAlarmCost = fp };
    }

    /// <summary>The threshold that gives the best total over the corpus, found by sweeping every distinct score.</summary>
    public static NabScore Optimize(IReadOnlyList<NabSeries> corpus, IReadOnlyList<double[]> scores, NabProfile profile)
    {
        Row[] rows = Rows(corpus, scores, profile, out int windows, out int scored);
        Array.Sort(rows, (a, b) => b.Score.CompareTo(a.Score));
        var best = new double[windows];
        var detected = new bool[windows];
        double raw = -profile.FalseNegative * windows;
        double fp = 0;
        int hits = 0;
        int falseAlarms = 0;
        var top = new NabScore(double.PositiveInfinity, raw, 0, 0, windows, 0, scored);
        for (int i = 0; i < rows.Length; i++)
        {
            Row row = rows[i];
            if (row.Window < 0)
            {
                raw += row.Weight;
                fp += row.Weight;
                falseAlarms++;
            }
            else if (!detected[row.Window])
            {
                detected[row.Window] = true;
                best[row.Window] = row.Weight;
                raw += row.Weight + profile.FalseNegative;
                hits++;
            }
            else if (row.Weight > best[row.Window])
            {
                raw += row.Weight - best[row.Window];
                best[row.Window] = row.Weight;
            }

            bool lastOfScore = i == rows.Length - 1 || rows[i + 1].Score != row.Score;
            if (lastOfScore && raw > top.Raw)
            {
                top = new NabScore(row.Score, raw, Normalize(raw, windows, profile), hits, windows, falseAlarms, scored) { FalseAlarmCost = fp };
            }
        }

        return top;
    }

    private static double Normalize(double raw, int windows, NabProfile profile)
    {
        double nullScore = -profile.FalseNegative * windows;
        double perfect = profile.TruePositive * windows;
        return 100 * (raw - nullScore) / (perfect - nullScore);
    }

    /// <summary>Every scored row with the reward or cost an alarm there would bring under the profile.</summary>
    private static Row[] Rows(IReadOnlyList<NabSeries> corpus, IReadOnlyList<double[]> scores, NabProfile profile, out int windows, out int scored)
    {
        if (corpus.Count != scores.Count)
        {
            throw new ArgumentException($"{scores.Count} score lists for {corpus.Count} series.", nameof(scores));
        }

        double maxTp = ScaledSigmoid(-1.0);
        var rows = new List<Row>();
        windows = 0;
        for (int s = 0; s < corpus.Count; s++)
        {
            NabSeries series = corpus[s];
            double[] rowScores = scores[s];
            if (rowScores.Length != series.Values.Length)
            {
                throw new ArgumentException($"{series.Name}: {rowScores.Length} scores for {series.Values.Length} rows.", nameof(scores));
            }

            int probation = ProbationaryRows(series.Values.Length);
            int next = 0;
            int previousLast = -1;
            double previousWidth = 0;
            for (int i = 0; i < rowScores.Length; i++)
            {
                int window = -1;
                double weight;
                if (next < series.Windows.Length && i >= series.Windows[next].First)
                {
                    (int first, int last) = series.Windows[next];
                    double width = last - first + 1;
                    double position = -(last - i + 1) / width;
                    weight = ScaledSigmoid(position) * profile.TruePositive / maxTp;
                    window = windows + next;
                    if (i == last)
                    {
                        previousLast = last;
                        previousWidth = width;
                        next++;
                    }
                }
                else if (previousLast < 0)
                {
                    weight = -1.0 * profile.FalsePositive;
                }
                else
                {
                    double position = Math.Abs(previousLast - i) / (previousWidth - 1);
                    weight = ScaledSigmoid(position) * profile.FalsePositive;
                }

                if (i >= probation)
                {
                    rows.Add(new Row(rowScores[i], window, weight));
                }
            }

            windows += series.Windows.Length;
        }

        scored = rows.Count;
        return [.. rows];
    }

    private static double ScaledSigmoid(double position) =>
        position > 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * position))) - 1.0;

    private readonly record struct Row(double Score, int Window, double Weight);
}
