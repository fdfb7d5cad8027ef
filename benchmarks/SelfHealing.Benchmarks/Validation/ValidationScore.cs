using System.Globalization;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Recovery;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Telemetry;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>One injected fault as the hub announced it.</summary>
internal sealed record InjectedFault(string Id, ChaosFault Fault, DateTimeOffset Start, DateTimeOffset End, ChaosStopReason Reason)
{
    public bool CuredByRestart => Fault.Kind == ChaosFaultKind.ComponentDown;
}

/// <summary>Something the loop did that says "trouble here": a level worsening, a circuit opening, an incident, an action, an anomaly.</summary>
internal sealed record Alarm(DateTimeOffset Time, string Kind, string? Component, string Detail);

/// <summary>What the loop did about one fault.</summary>
internal sealed record FaultOutcome(InjectedFault Fault, TimeSpan? Detected, TimeSpan? Recovered, bool? DiagnosisRight, string? NamedRootCause, int WrongActions);

/// <summary>
/// Scores the hub's events against the injected faults. A fault is <b>detected</b> when, between its start and one
/// second after its end, the target's level worsens to Degraded or beyond, the target's circuit opens, or an incident
/// opens on it or names it as root cause. It is <b>recovered</b> when the target is Healthy again after the fault ended
/// (for a dead component: after the restart that ended it); the time counts from the fault's start for a dead component
/// (detect, act, verify) and from its end for one that clears on its own. The <b>diagnosis</b> is right when every
/// incident opened in the fault's window on a component it explains names the target as root cause. An <b>action on the
/// wrong component</b> is a recovery attempt on another component in the window. An alarm is a <b>false positive</b>
/// when no fault explains it: none active (or ended less than <see cref="Settle"/> before) whose target is the alarm's
/// component or something it depends on.
/// </summary>
internal sealed class ValidationScore
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private readonly List<SelfHealingEvent> _events;
    private readonly Dictionary<string, HashSet<string>> _affected = new(StringComparer.Ordinal);

    public ValidationScore(IEnumerable<SelfHealingEvent> events)
    {
        _events = [.. events.OrderBy(e => e.Timestamp)];
        Faults = Pair(_events);
        Alarms = ToAlarms(_events);
        Outcomes = [.. Faults.Select(Score)];
        FalseAlarms = [.. Alarms.Where(a => !Explained(a))];
    }

    public IReadOnlyList<InjectedFault> Faults { get; }

    public IReadOnlyList<Alarm> Alarms { get; }

    public IReadOnlyList<FaultOutcome> Outcomes { get; }

    public IReadOnlyList<Alarm> FalseAlarms { get; }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double rank = p * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    private static List<InjectedFault> Pair(List<SelfHealingEvent> events)
    {
        var stops = events.OfType<ChaosFaultStopped>().ToDictionary(e => e.FaultId, StringComparer.Ordinal);
        return [.. events.OfType<ChaosFaultStarted>()
            .Where(s => stops.ContainsKey(s.FaultId))
            .Select(s => new InjectedFault(s.FaultId, s.Fault, s.Timestamp, stops[s.FaultId].Timestamp, stops[s.FaultId].Reason))];
    }

    private static List<Alarm> ToAlarms(List<SelfHealingEvent> events)
    {
        var alarms = new List<Alarm>();
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (SelfHealingEvent e in events)
        {
            switch (e)
            {
                case HealthChanged h when h.Level > h.PreviousLevel && h.Level >= HealthLevel.Degraded:
                    alarms.Add(new Alarm(h.Timestamp, "health", Named(h.Component), $"{h.Component} {h.PreviousLevel} -> {h.Level}: {h.Reason}"));
                    break;
                case CircuitStateChanged c when c.State == CircuitState.Open:
                    alarms.Add(new Alarm(c.Timestamp, "circuit", c.CircuitName, $"{c.PreviousState} -> Open"));
                    break;
                case AnomalyDetected a:
                    alarms.Add(new Alarm(a.Timestamp, "anomaly", ComponentOf(a.Tags), a.Metric));
                    break;
                case IncidentChanged { Incident: var incident }:
                    if (!attempts.TryGetValue(incident.Id, out int seen))
                    {
                        seen = 0;
                        alarms.Add(new Alarm(incident.OpenedAt, "incident", incident.Component, $"{incident.FailureType}, root cause {incident.RootCause}"));
                    }

                    foreach (RecoveryAttempt attempt in incident.Attempts.Skip(seen).Where(a => a.LeftTo is null))
                    {
                        alarms.Add(new Alarm(incident.UpdatedAt, "action", incident.Component, $"{attempt.Strategy} #{attempt.Attempt}"));
                    }

                    attempts[incident.Id] = Math.Max(seen, incident.Attempts.Count);
                    break;
            }
        }

        return [.. alarms.OrderBy(a => a.Time)]; // an incident's alarm is its opening, older than the change that announced it
    }

    // A breaker's health check stands for the component of its name; the check of all breakers for no one component.
    private static string? Named(string component) =>
        component == SelfHealingServiceCollectionExtensions.CircuitBreakersHealthCheckName ? null
        : component.StartsWith(CircuitBreakerBuilderExtensions.HealthCheckPrefix, StringComparison.Ordinal) ? component[CircuitBreakerBuilderExtensions.HealthCheckPrefix.Length..]
        : component;

    private static string? ComponentOf(MetricTags tags) =>
        tags.TryGetValue(SelfHealingMeter.CircuitNameTag, out string circuit) ? circuit
        : tags.TryGetValue("component", out string component) ? component
        : null;

    private FaultOutcome Score(InjectedFault fault)
    {
        string target = fault.Fault.Target;
        HashSet<string> affected = AffectedBy(target);
        DateTimeOffset windowEnd = fault.End + Grace;
        List<Incident> incidents = [.. LatestIncidents().Where(i => i.OpenedAt >= fault.Start && i.OpenedAt <= windowEnd && affected.Contains(i.Component))];

        DateTimeOffset? detectedAt = Alarms
            .Where(a => a.Time >= fault.Start && a.Time <= windowEnd)
            .Where(a => a.Component == target || (a.Kind == "incident" && incidents.Any(i => i.RootCause == target && i.Component == a.Component)))
            .Select(a => (DateTimeOffset?)a.Time)
            .FirstOrDefault();

        DateTimeOffset? healthyAt = _events.OfType<HealthChanged>()
            .Where(h => h.Component == target && h.Level == HealthLevel.Healthy && h.Timestamp >= fault.End)
            .Select(h => (DateTimeOffset?)h.Timestamp)
            .FirstOrDefault();
        bool stillBadAtEnd = _events.OfType<HealthChanged>().Where(h => h.Component == target && h.Timestamp <= fault.End).LastOrDefault() is { Level: > HealthLevel.Healthy };
        TimeSpan? recovered = !stillBadAtEnd ? (fault.CuredByRestart ? fault.End - fault.Start : TimeSpan.Zero)
            : healthyAt is { } at ? at - (fault.CuredByRestart ? fault.Start : fault.End)
            : null;
        if (fault.CuredByRestart && fault.Reason != ChaosStopReason.Restarted)
        {
            recovered = null; // nobody restarted it: the run stopped it
        }

        string[] named = [.. incidents.Select(i => i.RootCause ?? i.Component).Distinct()];
        bool? right = named.Length == 0 ? null : named.All(n => n == target);
        int wrong = Alarms.Count(a => a.Kind == "action" && a.Time >= fault.Start && a.Time <= windowEnd && a.Component != target);
        return new FaultOutcome(fault, detectedAt - fault.Start, recovered, right, named.Length == 0 ? null : string.Join("/", named), wrong);
    }

    private IEnumerable<Incident> LatestIncidents() =>
        _events.OfType<IncidentChanged>().GroupBy(e => e.Incident.Id).Select(g => g.Last().Incident);

    private bool Explained(Alarm alarm) => Faults.Any(f =>
        alarm.Time >= f.Start && alarm.Time <= f.End + Settle
        && (alarm.Component is null || AffectedBy(f.Fault.Target).Contains(alarm.Component)));

    // What a fault on the target explains, worked out once per target (every alarm is checked against every fault).
    private HashSet<string> AffectedBy(string target) =>
        _affected.TryGetValue(target, out HashSet<string>? affected) ? affected : _affected[target] = SimulatedService.Affected(target);

    public static string Ms(double value) => double.IsNaN(value) ? "na" : value.ToString("0", CultureInfo.InvariantCulture);
}
