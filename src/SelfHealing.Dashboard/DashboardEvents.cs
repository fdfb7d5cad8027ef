using System.Globalization;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Optimization;
using SelfHealing.Recovery;
using SelfHealing.Supervision;

namespace SelfHealing.Dashboard;

/// <summary>Turns a hub event into the one line the page shows for it.</summary>
internal static class DashboardEvents
{
    private const int MaxText = 300;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static DashboardEvent Describe(SelfHealingEvent e, long sequence)
    {
        (string? subject, string text) = e switch
        {
            CircuitStateChanged c => (c.CircuitName, $"{c.PreviousState} -> {c.State} ({c.Cause}): {c.Reason}"),
            HealthChanged h => (h.Component, $"{h.PreviousLevel} -> {h.Level}: {h.Reason}"),
            IncidentChanged i => (i.Incident.Component, Incident(i.Incident)),
            AnomalyDetected a => (a.Metric, string.Create(Invariant, $"anomaly: {a.Value:G4} where {a.Expected:G4} was expected (score {a.Score:F2})")),
            AnomalyEnded a => (a.Metric, "anomaly ended"),
            BreachPredicted b => (b.Component, string.Create(Invariant, $"{b.Metric} forecast to reach {b.Forecast.Level} in {b.Forecast.TimeUntil.TotalSeconds:F0} s")),
            ConfigChanged c => (null, $"configuration version {c.Snapshot.Version} ({c.Snapshot.Source}): {string.Join(", ", c.Changed)}"),
            ConfigurationPromoted p => (null, string.Create(Invariant, $"generation {p.Generation}: best fitness {p.Fitness:G4}, version {p.Snapshot.Version} promoted")),
            WorkerStateChanged w => (w.Name, $"{w.PreviousState} -> {w.State} (restarts {w.Restarts}): {w.Reason}"),
            _ => (null, Generic(e)),
        };
        return new DashboardEvent(sequence, e.GetType().Name, e.Timestamp, e.Source, subject, Trim(text));
    }

    private static string Incident(Incident incident)
    {
        string last = incident.Timeline.Count > 0 ? incident.Timeline[^1].Message : incident.FailureType;
        return $"incident {incident.Id} {incident.Status}: {last}";
    }

    // Events of other packages (coordination, chaos): their record text, without the fields every event has.
    private static string Generic(SelfHealingEvent e)
    {
        string text = e.ToString();
        int open = text.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return text;
        }

        IEnumerable<string> fields = text[(open + 1)..].TrimEnd('}', ' ')
            .Split(", ", StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !f.StartsWith("Source =", StringComparison.Ordinal)
                && !f.StartsWith("Timestamp =", StringComparison.Ordinal)
                && !f.StartsWith("TraceContext =", StringComparison.Ordinal)
                && !f.StartsWith("Delivery =", StringComparison.Ordinal));
        return string.Join(", ", fields);
    }

    private static string Trim(string text) => text.Length <= MaxText ? text : string.Concat(text.AsSpan(0, MaxText - 1), "…");
}
