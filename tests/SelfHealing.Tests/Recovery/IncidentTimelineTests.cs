using SelfHealing.Recovery;

namespace SelfHealing.Tests.Recovery;

/// <summary>A long incident keeps a bounded timeline: its beginning, a count of what was left out, and its latest entries.</summary>
public sealed class IncidentTimelineTests
{
    private static readonly DateTimeOffset Opened = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_thousand_notes_leave_the_first_twenty_a_count_and_the_latest()
    {
        var record = new IncidentRecord(new Incident("i-1", "orders", FailureTypes.Critical, IncidentStatus.Open, Opened, Opened));
        for (int n = 0; n < 1_000; n++)
        {
            record.Note(Opened.AddSeconds(n), "event", $"note {n}");
        }

        IReadOnlyList<IncidentEntry> timeline = record.Current.Timeline;
        timeline.Should().HaveCount(IncidentRecord.MaxTimeline);
        timeline.Take(IncidentRecord.KeptFromStart).Select(e => e.Message).Should().Equal(Enumerable.Range(0, 20).Select(n => $"note {n}"));
        timeline[20].Should().Match<IncidentEntry>(e => e.Kind == "omitted" && e.Message.StartsWith("801 entries left out here", StringComparison.Ordinal));
        timeline.Skip(21).Select(e => e.Message).Should().Equal(Enumerable.Range(821, 179).Select(n => $"note {n}"));
    }

    [Fact]
    public void An_incident_opened_with_a_long_history_is_bounded_from_the_start()
    {
        IncidentEntry[] related = [.. Enumerable.Range(0, 500).Select(n => new IncidentEntry(Opened.AddSeconds(n), "event", $"related {n}"))];
        var record = new IncidentRecord(new Incident("i-2", "orders", FailureTypes.Critical, IncidentStatus.Open, Opened, Opened) { Timeline = related });

        record.Current.Timeline.Should().HaveCount(IncidentRecord.MaxTimeline);
        record.Current.Timeline[20].Message.Should().StartWith("301 entries left out here");
        record.Note(Opened.AddSeconds(600), "diagnosis", "late");
        record.Current.Timeline[20].Message.Should().StartWith("302 entries left out here");
        record.Current.Timeline[^1].Message.Should().Be("late");
    }
}
