using System.Globalization;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;

namespace SelfHealing.Configuration;

public sealed partial class AdaptiveConfigManager
{
    /// <summary>
    /// Applies a change, then watches health and metrics for the guard window: when a watched component gets
    /// worse (at once, from the health monitor's news) or a watched metric is worse than before by more than its
    /// tolerance (at the end of the window), the previous version is restored, with the reason recorded.
    /// </summary>
    /// <param name="changes">The new values, by parameter name.</param>
    /// <param name="guard">What to watch; every component, no metric, the default window when <see langword="null"/>.</param>
    /// <param name="source">Where the change comes from.</param>
    /// <param name="fitness">The fitness measured for it, if any.</param>
    /// <param name="cancellationToken">Stops watching; the change stays.</param>
    /// <returns>How it ended.</returns>
    /// <exception cref="ArgumentException">A name is unknown or a value breaks a constraint; nothing is applied.</exception>
    public async Task<GuardedApplyResult> ApplyGuardedAsync(
        IReadOnlyDictionary<string, object> changes,
        ConfigGuard? guard = null,
        ConfigSource source = ConfigSource.Manual,
        double? fitness = null,
        CancellationToken cancellationToken = default)
    {
        guard ??= new ConfigGuard();
        TimeSpan window = guard.Window ?? _options.GuardWindow;
        TimeSpan checkAfter = guard.CheckAfter ?? (window / 2);
        if (guard.Check is not null && (checkAfter < TimeSpan.Zero || checkAfter > window))
        {
            throw new ArgumentException($"The guard's CheckAfter is {checkAfter}; allowed: 00:00:00 to the window ({window}).", nameof(guard));
        }

        Dictionary<string, HealthLevel> levels = WatchedLevels(guard);
        List<(MetricGuard Guard, double Before)> metrics = [];
        foreach (MetricGuard metric in guard.Metrics)
        {
            metrics.Add((metric, await ReadAsync(metric, null, window, cancellationToken).ConfigureAwait(false)));
        }

        long previous = Current.Version;
        using EventSubscription? news = _hub?.Subscribe("configuration-guard", e => e is HealthChanged h && levels.ContainsKey(h.Component));
        ConfigSnapshot applied = Update(changes, source, fitness);
        if (applied.Version == previous)
        {
            return new GuardedApplyResult(applied, false, applied, []);
        }

        // The window runs from the change, however late this code gets to wait for it.
        List<string> regressions = [];
        if (guard.Check is { } check)
        {
            regressions = await WatchAsync(news, levels, guard.LevelTolerance, Until(applied.Timestamp + checkAfter), cancellationToken).ConfigureAwait(false);
            if (regressions.Count == 0 && await check(cancellationToken).ConfigureAwait(false) is { } failed)
            {
                regressions.Add(failed);
            }
        }

        if (regressions.Count == 0)
        {
            regressions = await WatchAsync(news, levels, guard.LevelTolerance, Until(applied.Timestamp + window), cancellationToken).ConfigureAwait(false);
        }

        if (regressions.Count == 0)
        {
            foreach ((MetricGuard metric, double before) in metrics)
            {
                double after = await ReadAsync(metric, applied.Timestamp, window, cancellationToken).ConfigureAwait(false);
                if (Regressed(metric, before, after))
                {
                    regressions.Add(string.Create(CultureInfo.InvariantCulture, $"{metric.Metric} {metric.Statistic} went from {before:G4} to {after:G4} (tolerance {metric.Tolerance:P0})"));
                }
            }
        }

        if (regressions.Count == 0)
        {
            return new GuardedApplyResult(applied, false, Current, []);
        }

        string reason = string.Create(CultureInfo.InvariantCulture, $"guard rolled back version {applied.Version}: {string.Join("; ", regressions)}");
        ConfigSnapshot restored = Rollback(previous, reason);
        return new GuardedApplyResult(applied, true, restored, regressions);
    }

    private TimeSpan Until(DateTimeOffset moment)
    {
        TimeSpan left = moment - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private Dictionary<string, HealthLevel> WatchedLevels(ConfigGuard guard)
    {
        if (_monitor is null)
        {
            return [];
        }

        IEnumerable<ComponentHealth> components = guard.Components.Count == 0
            ? _monitor.Components
            : guard.Components.Select(c => _monitor.GetHealth(c) ?? new ComponentHealth(c, HealthLevel.Healthy, "", default, default, default));
        return components.ToDictionary(c => c.Name, c => c.Level, StringComparer.Ordinal);
    }

    // Waits out the window; a watched component that gets worse than before by more than the tolerance ends it early.
    private async Task<List<string>> WatchAsync(EventSubscription? news, Dictionary<string, HealthLevel> before, int tolerance, TimeSpan window, CancellationToken cancellationToken)
    {
        var regressions = new List<string>();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task elapsed = Task.Delay(window, _time, done.Token);
        while (news is not null)
        {
            Task<bool> more = news.Reader.WaitToReadAsync(done.Token).AsTask();
            if (await Task.WhenAny(elapsed, more).ConfigureAwait(false) == elapsed)
            {
                break;
            }

            if (!await more.ConfigureAwait(false))
            {
                break;
            }

            while (news.Reader.TryRead(out SelfHealingEvent? e))
            {
                if (e is HealthChanged h && before.TryGetValue(h.Component, out HealthLevel was) && h.Level - was > tolerance)
                {
                    regressions.Add($"{h.Component} went from {was} to {h.Level}: {h.Reason}");
                }
            }

            if (regressions.Count > 0)
            {
                break;
            }
        }

        await done.CancelAsync().ConfigureAwait(false);
        try
        {
            await elapsed.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the window was cut short by a regression
        }

        return regressions;
    }

    // The metric over the last window (up to the present bucket), or from `since` (the change) to now.
    private async Task<double> ReadAsync(MetricGuard metric, DateTimeOffset? since, TimeSpan window, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_collector is null || now <= since)
        {
            return double.NaN;
        }

        MetricTags? tags = metric.Tags.Count == 0 ? null : MetricTags.From(metric.Tags);
        AggregatedMetric aggregate = since is { } from
            ? await _collector.AggregateAsync(metric.Metric, from, now, tags, cancellationToken).ConfigureAwait(false)
            : await _collector.AggregateAsync(metric.Metric, window, tags, cancellationToken).ConfigureAwait(false);
        var source = new CollectorMetricSource { Metric = metric.Metric, Statistic = metric.Statistic };
        return source.Read(aggregate);
    }

    private static bool Regressed(MetricGuard metric, double before, double after)
    {
        if (!double.IsFinite(before) || !double.IsFinite(after))
        {
            return false;
        }

        double allowed = Math.Abs(before) * metric.Tolerance;
        return metric.Direction == ThresholdDirection.HigherIsWorse ? after > before + allowed : after < before - allowed;
    }
}
