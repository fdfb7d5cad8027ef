using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace SelfHealing.Health;

/// <summary>
/// Runs the app's health check registrations as <see cref="HealthCheckService"/> does (all chosen checks at once,
/// each in its own service scope, with its registration's timeout and failure status), without logging each result.
/// ASP.NET Core's service logs every Degraded check at Warning and every Unhealthy one at Error on every request, so
/// a probe every few seconds of an app that is handling an outage fills the log; here transitions are logged once,
/// by the breaker and the health monitor's alerts. Registered by <c>AddSelfHealing()</c> beside (not instead of) the
/// default service; <c>MapSelfHealingHealthChecks</c> uses it.
/// </summary>
public sealed class QuietHealthCheckService : HealthCheckService
{
    private readonly HealthCheckServiceOptions _options;
    private readonly HealthCheckRunner _runner;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="options">The health check registrations.</param>
    /// <param name="scopes">Creates a scope for each check.</param>
    /// <param name="timeProvider">The clock for timeouts and durations.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two registrations have the same name; the message names them.</exception>
    public QuietHealthCheckService(IOptions<HealthCheckServiceOptions> options, IServiceScopeFactory scopes, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        string[] duplicates = [.. _options.Registrations.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)];
        if (duplicates.Length > 0)
        {
            throw new ArgumentException($"Health checks must have distinct names; registered more than once: {string.Join(", ", duplicates)}.", nameof(options));
        }

        _runner = new HealthCheckRunner(scopes, timeProvider);
        _time = timeProvider;
    }

    /// <inheritdoc />
    public override async Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
    {
        long started = _time.GetTimestamp();
        HealthCheckRegistration[] chosen = [.. _options.Registrations.Where(r => predicate is null || predicate(r))];
        HealthCheckOutcome[] outcomes = await Task.WhenAll(chosen.Select(r => _runner.RunAsync(r, cancellationToken))).ConfigureAwait(false);
        var entries = new Dictionary<string, HealthReportEntry>(outcomes.Length, StringComparer.OrdinalIgnoreCase);
        foreach (HealthCheckOutcome outcome in outcomes)
        {
            HealthCheckResult result = outcome.Result;
            entries[outcome.Name] = new HealthReportEntry(result.Status, result.Description, outcome.Duration, result.Exception, result.Data, outcome.Tags);
        }

        return new HealthReport(entries, _time.GetElapsedTime(started));
    }
}
