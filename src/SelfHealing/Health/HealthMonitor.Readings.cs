using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.Metrics;

namespace SelfHealing.Health;

public sealed partial class HealthMonitor
{
    private static readonly IReadOnlyList<KeyValuePair<string, double>> NoValues = [];

    /// <summary>
    /// Reports values a component measured on its own (passive monitoring): they go through the component's
    /// thresholds and into its history as a check would.
    /// </summary>
    /// <param name="component">The component.</param>
    /// <param name="metrics">What it measured.</param>
    /// <exception cref="ArgumentException">The monitor has not started, or knows no component of that name.</exception>
    public void Report(string component, HealthMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Apply(Known(component), new ComponentReading(null, null, [.. metrics.Values()], null, TimeSpan.Zero));
    }

    /// <summary>
    /// Reports a component's own view of its level (passive monitoring). The level stands until the component
    /// reports again; the component's level is the worst of this and its other sources.
    /// </summary>
    /// <param name="component">The component.</param>
    /// <param name="level">The level it reports.</param>
    /// <param name="reason">Why, in words.</param>
    /// <exception cref="ArgumentException">The monitor has not started, knows no component of that name, or the reason is empty.</exception>
    public void Report(string component, HealthLevel level, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a defined health level.");
        }

        Apply(Known(component), new ComponentReading(null, null, NoValues, (level, reason), TimeSpan.Zero));
    }

    private ComponentState Known(string component)
    {
        ArgumentNullException.ThrowIfNull(component);
        IReadOnlyDictionary<string, ComponentState> states = Volatile.Read(ref _states);
        return states.TryGetValue(component, out ComponentState? state)
            ? state
            : throw new ArgumentException(
                states.Count == 0
                    ? $"The health monitor has not started, so it knows no component '{component}'."
                    : $"The health monitor knows no component '{component}'; known: {string.Join(", ", states.Keys.Order(StringComparer.Ordinal))}.",
                nameof(component));
    }

    // One scheduled run: the health check and the probe run together, collector values are read meanwhile.
    private async Task RunAsync(ComponentState state, CancellationToken stopping)
    {
        long started = _time.GetTimestamp();
        Task<HealthCheckOutcome>? check = state.Registration is { } registration ? _runner.RunAsync(registration, stopping) : null;
        Task<(HealthCheckOutcome, HealthMetrics?)>? probe = state.HasProbe ? ProbeAsync(state.Name, stopping) : null;
        List<KeyValuePair<string, double>> values = [];
        if (_collector is not null)
        {
            foreach ((string metric, CollectorMetricSource source) in state.Sources)
            {
                MetricTags? tags = source.Tags.Count == 0 ? null : MetricTags.From(source.Tags);
                AggregatedMetric aggregate = await _collector.AggregateAsync(source.Metric, source.Window, tags, stopping).ConfigureAwait(false);
                double value = source.Read(aggregate);
                if (double.IsFinite(value))
                {
                    values.Add(new(metric, value));
                }
            }
        }

        HealthCheckOutcome? checkOutcome = check is null ? null : await check.ConfigureAwait(false);
        HealthCheckOutcome? probeOutcome = null;
        if (probe is not null)
        {
            (probeOutcome, HealthMetrics? measured) = await probe.ConfigureAwait(false);
            if (measured is not null)
            {
                values.AddRange(measured.Values());
            }
        }

        Apply(state, new ComponentReading(checkOutcome, probeOutcome, values, null, _time.GetElapsedTime(started)));
    }

    private async Task<(HealthCheckOutcome Outcome, HealthMetrics? Metrics)> ProbeAsync(string name, CancellationToken stopping)
    {
        long started = _time.GetTimestamp();
        ScopedOutcome<HealthMetrics> outcome = await _probeRuns.RunAsync<HealthMetrics>(
            name,
            _options.ProbeTimeout,
            services =>
            {
                IHealthProbe probe = services.GetRequiredKeyedService<IHealthProbe>(name);
                return token => probe.ProbeAsync(token).AsTask();
            },
            stopping).ConfigureAwait(false);
        string? failure = outcome switch
        {
            { StillRunningFor: { } running } => string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"the {name} probe has not answered since its timeout of {_options.ProbeTimeout} ({running.TotalSeconds:0.#} s ago it started); not started again until it does."),
            { TimedOut: true } => $"the {name} probe did not answer within its timeout of {_options.ProbeTimeout}.",
            { Error: { } ex } => $"the {name} probe threw {ex.GetType().Name}: {ex.Message}",
            _ => null,
        };
        HealthCheckResult result = failure is null
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(HealthStatus.Unhealthy, failure, outcome.Error);
        return (new HealthCheckOutcome(name, result, _time.GetElapsedTime(started), new HashSet<string>(), outcome.TimedOut), failure is null ? outcome.Value : null);
    }

    private void Apply(ComponentState state, ComponentReading reading)
    {
        DateTimeOffset now = _time.GetUtcNow();
        ComponentEvaluation evaluation = state.Apply(reading, now);
        string name = state.Name;
        if (evaluation.Before != evaluation.After)
        {
            IReadOnlyList<string> affectedBy = RootCausesUpstream(name);
            if (evaluation.After > evaluation.Before)
            {
                LogWorsened(_logger, name, evaluation.Before, evaluation.After, evaluation.Reason);
            }
            else
            {
                LogImproved(_logger, name, evaluation.Before, evaluation.After, evaluation.Reason);
            }

            _hub?.Publish(new HealthChanged(EventSource, now, name, evaluation.Before, evaluation.After, evaluation.Reason) { AffectedBy = affectedBy });
            string key = $"{name}/status";
            if (evaluation.After == HealthLevel.Healthy)
            {
                _alerter.Resolve(key, $"{name} is healthy again (was {evaluation.Before}).");
            }
            else
            {
                // Trouble explained upstream, and a breaker handling an outage (it warned itself), are news, not alarms.
                AlertSeverity severity = affectedBy.Count > 0 ? AlertSeverity.Info
                    : evaluation.After == HealthLevel.Degraded ? (state.FollowsBreakers ? AlertSeverity.Info : AlertSeverity.Warning)
                    : AlertSeverity.Critical;
                string affected = affectedBy.Count > 0 ? $" (affected by {string.Join(", ", affectedBy)})" : "";
                _alerter.Raise(key, name, AlertKind.Status, severity, $"{name} is {evaluation.After}: {evaluation.Reason}{affected}");
            }
        }

        foreach ((string metric, BreachForecast? forecast) in evaluation.Forecasts)
        {
            string key = $"{name}/prediction/{metric}";
            if (forecast is null)
            {
                _alerter.Resolve(key, $"{name} {metric} is no longer forecast to breach a threshold.");
                continue;
            }

            AlertSeverity severity = forecast.Level >= HealthLevel.Critical ? AlertSeverity.Warning : AlertSeverity.Info;
            string message = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{name} {metric} is forecast to reach {forecast.Level} ({forecast.Threshold}) in about {forecast.TimeUntil.TotalSeconds:0} s (slope {forecast.Trend.Slope:G3}/s).");
            if (_alerter.Raise(key, name, AlertKind.Prediction, severity, message, metric))
            {
                _hub?.Publish(new BreachPredicted(EventSource, now, name, metric, forecast));
            }
        }
    }
}
