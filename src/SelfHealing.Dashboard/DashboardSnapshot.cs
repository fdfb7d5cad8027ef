using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Dashboard;

/// <summary>Reads what the page shows from the components the app registered (each one optional).</summary>
internal sealed class DashboardSnapshot(IServiceProvider services, DashboardRecorder recorder, IOptions<DashboardOptions> options, TimeProvider time)
{
    public const int ApiVersion = 1;

    private readonly DashboardOptions _options = options.Value;
    private readonly CircuitBreakerRegistry? _breakers = services.GetService<CircuitBreakerRegistry>();
    private readonly HealthMonitor? _health = services.GetService<HealthMonitor>();
    private readonly RecoveryManager? _recovery = services.GetService<RecoveryManager>();
    private readonly AdaptiveConfigManager? _configuration = services.GetService<AdaptiveConfigManager>();
    private readonly DashboardApprovals? _approvals = services.GetService<DashboardApprovals>();
    private readonly IClusterView? _cluster = services.GetService<IClusterView>();
    private readonly IOptionsMonitor<RecoveryOptions>? _recoveryOptions = services.GetService<IOptionsMonitor<RecoveryOptions>>();
    private readonly DashboardSwitches _switches = services.GetRequiredService<DashboardSwitches>();

    public SnapshotDto Build(ActionsDto actions)
    {
        SystemHealth? system = _health?.GetSystemHealth();
        return new SnapshotDto(
            ApiVersion,
            _options.Title,
            time.GetUtcNow(),
            (int)_options.RefreshInterval.TotalMilliseconds,
            actions,
            system is null ? null : new SystemDto(system.Level.ToString(), system.RootCauses, system.Affected),
            system is null ? [] : [.. system.Components.OrderBy(c => c.Name, StringComparer.Ordinal).Select(Component)],
            Breakers(),
            Incidents(),
            _health is null ? [] : [.. _health.ActiveAlerts.Select(a => new AlertDto(a.Component, a.Kind.ToString(), a.Severity.ToString(), a.State.ToString(), a.Message, a.RaisedAt))],
            _approvals?.Pending ?? [],
            recorder.Generations is { Count: > 0 } generations ? new OptimizerDto(generations) : null,
            Configuration(),
            _cluster?.Read(),
            _recovery is null || _recoveryOptions is null ? null : new SwitchesDto(_recoveryOptions.CurrentValue.AutomaticRecovery, _switches.AutomaticRecovery is not null),
            recorder.RecentEvents);
    }

    private static ComponentDto Component(ComponentHealth c) =>
        new(c.Name, IsBreakerCheck(c.Name) ? "breaker" : "component", c.Level.ToString(), c.Reason, c.Since, c.IsRootCause, c.DependsOn, c.AffectedBy);

    private static bool IsBreakerCheck(string name) =>
        name.StartsWith(CircuitBreakerBuilderExtensions.HealthCheckPrefix, StringComparison.Ordinal) || name == HealthMonitor.AllBreakersCheckName;

    private List<BreakerDto> Breakers()
    {
        if (_breakers is null)
        {
            return [];
        }

        return [.. _breakers.GetSnapshots()
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .Select(b => new BreakerDto(
                b.Name,
                b.State.ToString(),
                b.TotalCalls,
                b.FailedCalls,
                b.SlowCalls,
                JsonNumbers.OrZero(b.FailureRatio),
                JsonNumbers.OrZero(b.SlowCallRatio),
                b.FailureThreshold,
                b.LastTransition,
                recorder.TransitionsOf(b.Name)))];
    }

    private IncidentsDto Incidents()
    {
        if (_recovery is null)
        {
            return new IncidentsDto([], []);
        }

        List<IncidentDto> open = [.. _recovery.OpenIncidents.OrderByDescending(i => i.OpenedAt).Select(Incident)];
        List<IncidentDto> closed = [.. _recovery.IncidentHistory
            .Where(i => i.IsClosed)
            .OrderByDescending(i => i.ClosedAt)
            .Take(_options.ClosedIncidents)
            .Select(Incident)];
        return new IncidentsDto(open, closed);
    }

    private static IncidentDto Incident(Incident i) => new(
        i.Id,
        i.Component,
        i.FailureType,
        i.Status.ToString(),
        i.RootCause,
        i.OpenedAt,
        i.ClosedAt,
        [.. i.Timeline.Select(t => new TimelineDto(t.Time, t.Kind, t.Message))]);

    private ConfigurationDto? Configuration()
    {
        if (_configuration is null || _configuration.Parameters.Count == 0)
        {
            return null;
        }

        ConfigSnapshot current = _configuration.Current;
        return new ConfigurationDto(
            current.Version,
            current.Source.ToString(),
            current.Reason,
            current.Timestamp,
            current.Values.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => Format(v.Value), StringComparer.Ordinal),
            [.. _configuration.History.Reverse().Take(20).Select(s => new ConfigVersionDto(s.Version, s.Source.ToString(), s.Reason, s.Timestamp))]);
    }

    private static string Format(object value) => value switch
    {
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
