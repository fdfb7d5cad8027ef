using System.Globalization;
using SelfHealing.CircuitBreakers;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing;

/// <summary>The <see cref="ISelfHealing"/> facade over the health monitor, the breakers and the recovery manager.</summary>
/// <param name="monitor">The health monitor.</param>
/// <param name="recovery">The recovery manager.</param>
/// <param name="breakers">The breakers, whose states join the diagnosis; <see langword="null"/> to leave them out.</param>
public sealed class SelfHealingSystem(HealthMonitor monitor, RecoveryManager recovery, CircuitBreakerRegistry? breakers = null) : ISelfHealing
{
    /// <inheritdoc />
    public async ValueTask<Diagnosis?> DetectAnomalyAsync(string component, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        await monitor.CheckNowAsync(component).WaitAsync(cancellationToken).ConfigureAwait(false);
        ComponentHealth? health = monitor.GetHealth(component);
        HealthLevel level = health?.Level ?? HealthLevel.Healthy;
        var evidence = new List<DiagnosisEvidence>();
        if (health is not null && level > HealthLevel.Healthy)
        {
            evidence.Add(new("health", component, health.Source is { } source ? $"{level}: {health.Reason} (decided by {source})" : $"{level}: {health.Reason}"));
        }

        IReadOnlyList<string> upstream = level > HealthLevel.Healthy ? health?.AffectedBy ?? [] : [];
        foreach (string dependency in upstream)
        {
            ComponentHealth? other = monitor.GetHealth(dependency);
            evidence.Add(new("upstream", dependency, other is null ? "in trouble" : $"{other.Level}: {other.Reason}"));
        }

        CircuitBreakerSnapshot? breaker = null;
        if (breakers is not null && breakers.TryGet(component, out CircuitBreaker? found) && found.State is CircuitState.Open or CircuitState.Isolated or CircuitState.HalfOpen)
        {
            breaker = found.GetSnapshot();
            evidence.Add(new("breaker", component, string.Create(CultureInfo.InvariantCulture,
                $"{breaker.Value.State}: {breaker.Value.FailedCalls} of {breaker.Value.TotalCalls} calls failed ({breaker.Value.FailureRatio:P0}), {breaker.Value.SlowCalls} slow ({breaker.Value.SlowCallRatio:P0})")));
        }

        var news = recovery.RecentAbout(component).Where(e => e.Bad && e.Kind is "anomaly" or "forecast").ToList();
        evidence.AddRange(news.Select(e => new DiagnosisEvidence(e.Kind, component, e.Message[(e.Kind.Length + 2)..])));
        if (evidence.Count == 0)
        {
            return null;
        }

        bool open = breaker is { State: CircuitState.Open or CircuitState.Isolated };
        FailureKind kind = upstream.Count > 0 ? FailureKind.DependencyFailure
            : open ? KindOf(breaker!.Value)
            : level > HealthLevel.Healthy ? KindOf(health!)
            : news.Any(e => e.Kind == "anomaly") ? FailureKind.Anomalous
            : FailureKind.Unknown;
        string failureType = level > HealthLevel.Healthy ? level.ToString()
            : open ? FailureTypes.CircuitOpen
            : news.Any(e => e.Kind == "anomaly") ? FailureTypes.Anomaly
            : FailureTypes.Predicted;
        string rootCause = upstream.FirstOrDefault(d => monitor.GetHealth(d)?.IsRootCause == true) ?? (upstream.Count > 0 ? upstream[0] : component);
        string reason = level > HealthLevel.Healthy ? health!.Reason : evidence[0].Detail;
        return new Diagnosis(component, failureType, level, reason, rootCause, upstream) { Kind = kind, Evidence = evidence };
    }

    /// <inheritdoc />
    public RecoveryPlan SelectResponse(Diagnosis diagnosis)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        return recovery.SelectPlan(diagnosis.Component, diagnosis.FailureType);
    }

    /// <inheritdoc />
    public Task<Incident> ApplyResponseAsync(Diagnosis diagnosis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        return recovery.RecoverAsync(diagnosis.Component, diagnosis.FailureType, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Incident> ApplyResponseAsync(Diagnosis diagnosis, RecoveryPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        return recovery.RecoverAsync(diagnosis.Component, diagnosis.FailureType, plan, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> VerifyRecoveryAsync(string component, CancellationToken cancellationToken = default) =>
        recovery.IsRecoveredAsync(component, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> LearnFromIncidentAsync(Incident incident, CancellationToken cancellationToken = default) =>
        recovery.LearnFromIncidentAsync(incident, cancellationToken);

    /// <inheritdoc />
    public SystemHealth GetHealthStatus() => monitor.GetSystemHealth();

    /// <inheritdoc />
    public HealingLevel? GetHealingLevel(string component) => recovery.LevelOf(component);

    // An open breaker: mostly slow calls, every call failing, or some failing.
    private static FailureKind KindOf(CircuitBreakerSnapshot breaker) =>
        breaker.SlowCalls > 0 && breaker.SlowCallRatio >= breaker.FailureRatio ? FailureKind.Slow
        : breaker.FailureRatio >= 0.9 ? FailureKind.Unavailable
        : FailureKind.Erroring;

    // What decided the level: a threshold names its metric (error, latency, resource); a failing check, probe or
    // report is unavailability at Critical and above, degradation below.
    private static FailureKind KindOf(ComponentHealth health)
    {
        if (health.Source is { } source && source.StartsWith("threshold:", StringComparison.Ordinal))
        {
            string metric = source["threshold:".Length..];
            if (Names(metric, "error", "fail", "exception"))
            {
                return FailureKind.Erroring;
            }

            if (Names(metric, "time", "latency", "duration", "slow", "p9"))
            {
                return FailureKind.Slow;
            }

            if (Names(metric, "cpu", "memory", "heap", "gc", "queue", "thread", "pool", "connection", "saturation", "disk"))
            {
                return FailureKind.Saturated;
            }
        }

        return health.Level >= HealthLevel.Critical ? FailureKind.Unavailable : FailureKind.Degraded;
    }

    private static bool Names(string metric, params string[] words) =>
        words.Any(w => metric.Contains(w, StringComparison.OrdinalIgnoreCase));
}
