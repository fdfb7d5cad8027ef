using System.Diagnostics;
using System.Globalization;
using SelfHealing.Benchmarks.Coordination;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>The nemesis checker finds each violation in journals written by hand, and nothing in a clean history.</summary>
public sealed class NemesisCheckerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(6);

    [Fact]
    public void Two_holders_acting_at_once_are_timed_and_a_stale_token_is_counted()
    {
        var journal = new List<string>();
        for (int ms = 0; ms <= 1000; ms += 20)
        {
            journal.Add(Line("act", "node-1", ms, "5"));
        }

        for (int ms = 800; ms <= 2000; ms += 20)
        {
            journal.Add(Line("act", "node-2", ms, "6"));
        }

        NemesisReport report = Check(journal);

        report.LeaseOverlapMs.Should().BeApproximately(200, 0.5, "node-1 acted until 1,000 ms and node-2 from 800 ms");
        report.StaleActs.Should().Be(10, "node-1's steps after 800 ms carry a token older than node-2's");
        report.Grants.Should().Be(2);
        report.SummaryLine.Should().Contain("lease_overlap_ms=200 ");
    }

    [Fact]
    public void Holders_that_follow_each_other_do_not_overlap()
    {
        NemesisReport report = Check([Line("act", "node-1", 0, "5"), Line("act", "node-1", 500, "5"), Line("act", "node-2", 501, "6"), Line("act", "node-2", 900, "6")]);

        report.LeaseOverlapMs.Should().Be(0);
        report.StaleActs.Should().Be(0);
    }

    [Fact]
    public void An_acknowledged_value_nobody_applied_or_applied_at_a_conflicting_index_is_lost()
    {
        NemesisReport report = Check(
        [
            Line("ack", "node-1", 10, "5", "101"),
            Line("ack", "node-2", 10, "5", "102"),
            Line("ack", "node-3", 10, "5", "103"),
            Line("applied", "node-1", 20, "7", "101"),
            Line("applied", "node-2", 20, "8", "102"),
            Line("applied", "node-3", 20, "8", "999"), // another value at index 8: 102 was rolled back somewhere
        ]);

        report.Acks.Should().Be(3);
        report.LostAcks.Should().Be(2, "103 was never applied and 102's index holds another value on node-3");
        report.Findings.Should().Contain(f => f.Contains("103", StringComparison.Ordinal) && f.Contains("never applied", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_value_that_was_applied_later_is_counted()
    {
        NemesisReport report = Check([Line("refused", "node-1", 10, "5", "201"), Line("refused", "node-1", 10, "5", "202"), Line("applied", "node-2", 900, "4", "201")]);

        report.Refused.Should().Be(2);
        report.RefusedThenApplied.Should().Be(1);
    }

    [Fact]
    public void Only_an_answer_to_a_request_sent_after_the_cut_counts_as_a_minority_action()
    {
        NemesisReport report = Check(
        [
            Line("minority", "nemesis", 100, "node-3,node-4"),
            Line("ack", "node-3", 150, "50", "301"), // sent before the cut: it may have been committed then
            Line("ack", "node-3", 300, "200", "302"), // sent and answered while cut off
            Line("grant", "node-4", 400, "250", "9"),
            Line("ack", "node-1", 300, "200", "303"), // the majority side
            Line("healed", "nemesis", 500),
            Line("ack", "node-3", 700, "600", "304"),
            Line("applied", "node-1", 800, "1", "301"), Line("applied", "node-1", 800, "2", "302"), Line("applied", "node-1", 800, "3", "303"), Line("applied", "node-1", 800, "4", "304"),
        ]);

        report.MinorityActions.Should().Be(2);
    }

    [Fact]
    public void An_app_running_with_another_value_than_its_node_applied_for_longer_than_the_bound_diverges_once()
    {
        var journal = new List<string>();
        for (int ms = 0; ms <= 8000; ms += 200)
        {
            journal.Add(Line("view", "node-1", ms, "10", "7", "8", "1")); // 8 s running with 8 while 7 is applied
            journal.Add(Line("view", "node-2", ms, "10", "7", ms < 5000 ? "8" : "7", "1")); // 5 s: within the bound
        }

        journal.Add(Line("final", "nemesis", 9000, "node-1", "10", "7", "7", "processes"));
        journal.Add(Line("final", "nemesis", 9000, "node-2", "10", "7", "7", "processes"));
        journal.Add(Line("final", "nemesis", 9000, "node-3", "9", "6", "6", "processes")); // held an older value at the end

        NemesisReport report = Check(journal);

        report.EffectiveDivergence.Should().Be(2);
        report.Findings.Should().Contain(f => f.StartsWith("node-1 ran with 8", StringComparison.Ordinal));
        report.Findings.Should().Contain(f => f.Contains("at the end node-3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clean_history_gives_zeros_and_the_summary_line_has_every_field()
    {
        NemesisReport report = Check(
        [
            Line("phase", "nemesis", 0, "processes"),
            Line("fault", "nemesis", 10, "kill", "node-1", "leader"),
            Line("failover", "nemesis", 400, "kill", "350.0", "node-1", "node-2"),
            Line("fault", "nemesis", 1000, "pause", "node-2", "leader"),
            Line("failover", "nemesis", 2500, "pause", "1400.0", "node-2", "node-3"),
            Line("ack", "node-3", 3000, "2900", "401"),
            Line("applied", "node-3", 3000, "12", "401"),
            Line("final", "nemesis", 4000, "node-3", "12", "401", "401", "processes"),
        ]);

        report.SummaryLine.Should().Be("nemesis minutes=2 faults=2 lease_overlap_ms=0 lost_acks=0 effective_divergence=0 refused_then_applied=0 minority_actions=0 stuck_nodes=0 failover_kill_p99_ms=350 failover_pause_p99_ms=1400");
    }

    [Fact]
    public void A_line_cut_short_by_a_kill_is_skipped()
    {
        NemesisRecord.TryParse("act node-1 12345", out _).Should().BeFalse();
        NemesisRecord.TryParse("ack node-1 12345 100", out _).Should().BeFalse();
        NemesisRecord.TryParse("ack node-1 12345 100 7", out NemesisRecord ack).Should().BeTrue();
        ack.Fields.Should().Equal("100", "7");
    }

    private static NemesisReport Check(IEnumerable<string> lines) =>
        NemesisChecker.Check(lines.Select(l => NemesisRecord.TryParse(l, out NemesisRecord r) ? r : throw new FormatException(l)), 2, Bound);

    /// <summary>A journal line at <paramref name="ms"/> milliseconds; a field that is a time in milliseconds is converted too.</summary>
    private static string Line(string kind, string node, long ms, params string[] fields)
    {
        // The second timestamp of ack/refused/grant records (when the request was sent) is given in milliseconds too.
        if (kind is "ack" or "refused" or "unknown" or "grant")
        {
            fields[0] = Ticks(long.Parse(fields[0], CultureInfo.InvariantCulture));
        }

        return $"{kind} {node} {Ticks(ms)}{(fields.Length == 0 ? string.Empty : " " + string.Join(' ', fields))}";
    }

    private static string Ticks(long ms) => (ms * Stopwatch.Frequency / 1000).ToString(CultureInfo.InvariantCulture);
}
