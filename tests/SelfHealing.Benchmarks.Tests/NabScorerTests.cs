using SelfHealing.Benchmarks.Anomaly;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>
/// The NAB-style scorer against the reference figures that NAB's own code gives on the development corpus in
/// <c>../shared/anomaly-benchmark</c>, and against hand-computed cases.
/// </summary>
public sealed class NabScorerTests
{
    private static readonly Lazy<IReadOnlyList<NabSeries>> Corpus = new(() => NabCorpus.Load(CorpusFolder()));

    /// <summary>The shared corpus beside the repository: <c>&lt;root&gt;/../shared/anomaly-benchmark</c>.</summary>
    private static string CorpusFolder()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SelfHealing.sln")))
        {
            directory = directory.Parent;
        }

        string folder = Path.GetFullPath(Path.Combine(directory?.FullName ?? ".", "..", "shared", "anomaly-benchmark"));
        Directory.Exists(folder).Should().BeTrue($"the labelled corpus is expected at {folder}, beside the repository");
        return folder;
    }

    [Theory]
    [InlineData("standard", -59.05)]
    [InlineData("low_fp", -201.39)]
    [InlineData("low_fn", -10.63)]
    public void The_every_hundredth_row_detector_scores_what_NABs_own_code_gives(string profileName, double expected)
    {
        IReadOnlyList<NabSeries> corpus = Corpus.Value;
        NabProfile profile = NabProfile.All.Single(p => p.Name == profileName);
        List<double[]> scores = [.. corpus.Select(AnomalyBenchmark.EveryHundredth)];

        NabScore every = NabScorer.Score(corpus, scores, profile, 0.5);
        Math.Round(every.Normalized, 2).Should().Be(expected);
        (every.DetectedWindows, every.Windows).Should().Be((50, 58));
        corpus.Should().HaveCount(31);

        NabScore best = NabScorer.Optimize(corpus, scores, profile);
        best.Normalized.Should().Be(0, "never alarming scores better than alarming every 100th row");
        best.DetectedWindows.Should().Be(0);
    }

    [Fact]
    public void An_early_alarm_earns_more_than_a_late_one_and_false_alarms_cost_by_distance()
    {
        // 1,000 rows (150 probationary), one window over rows 400 to 499.
        DateTimeOffset start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] timestamps = [.. Enumerable.Range(0, 1000).Select(i => start.AddMinutes(5 * i))];
        var series = new NabSeries("test/one.csv", timestamps, new double[1000], [(400, 499)]);
        NabScore Score(params int[] alarms)
        {
            var scores = new double[1000];
            foreach (int a in alarms)
            {
                scores[a] = 1;
            }

            return NabScorer.Score([series], [scores], NabProfile.Standard, 1);
        }

        Score(400).Raw.Should().BeApproximately(1.0, 1e-9, "an alarm on the window's first row earns A_tp");
        Score(450).Raw.Should().BeLessThan(Score(400).Raw).And.BeGreaterThan(Score(499).Raw);
        Score(400, 420).Raw.Should().Be(Score(400).Raw, "only the first alarm in a window counts");
        Score().Raw.Should().Be(-1, "a missed window costs A_fn");
        Score(100).Raw.Should().Be(-1, "a probationary row is not scored");
        (Score(300).Raw + 1).Should().BeApproximately(-0.11, 1e-9, "an alarm before any window costs A_fp");
        (Score(510).Raw + 1).Should().BeGreaterThan(Score(900).Raw + 1, "an alarm just after a window costs less than one far after it");
        Score(300).FalseAlarms.Should().Be(1);
        Score(300).ScoredRows.Should().Be(850);
    }
}
