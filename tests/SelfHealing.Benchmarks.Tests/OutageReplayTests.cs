using System.Text.RegularExpressions;
using SelfHealing.Benchmarks.Outage;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>
/// The short version of <c>benchmarks -- outage</c>: the README's quick start as a real Kestrel app on 127.0.0.1, a fake
/// dependency switched through all 500s, refused connections and 2 s answers, and 32 callers; about 15 seconds.
/// </summary>
public sealed class OutageReplayTests
{
    [Fact]
    public async Task One_outage_is_one_clear_story()
    {
        OutageRecording recording = await OutageReplay.RunAsync(OutagePlan.Short).WaitAsync(TimeSpan.FromSeconds(60));
        OutageFigures figures = OutageFigures.From(recording);

        figures.Openings.Select(o => o.Run.Phase.Name).Should().Equal("all 500s", "refused", "2 s answers");
        figures.Openings.Should().OnlyContain(o => o.After != null, "the circuit opens in every outage (the 2 s answers through the 500 ms timeout)");
        figures.OpenTime.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1), "ten failing calls in a row open it, whatever the traffic before");
        figures.Closings.Should().HaveCount(3).And.OnlyContain(c => c.After != null, "the circuit closes after every recovery");
        figures.Health503.Should().Be(TimeSpan.Zero, "an open breaker whose fallback answers keeps the app in rotation");
        figures.Lags.Should().NotBeEmpty();
        figures.HealthLagWorst.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1), "/health follows the breaker from its events");
        recording.Errors.Should().Be(0);
        recording.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.EventId)
            .Should().Equal([2001, 2001, 2001], "one warning per outage: the breaker's, when it opens");
        recording.Seconds.Sum(s => s.Failed).Should().Be(0, "every request is answered, by the dependency or the fallback");

        Regex.IsMatch(figures.SummaryLine(), @"^outage open_ms=\d+ close_ms=\d+ health_503_s=[0-9.]+ health_lag_ms=\d+ slow_open_ms=\d+ errors_logged=\d+ warnings_logged=\d+$")
            .Should().BeTrue(figures.SummaryLine());
    }
}
