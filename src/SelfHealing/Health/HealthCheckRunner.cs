using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>
/// Runs one of the application's <see cref="HealthCheckRegistration"/>s the way the health-check service
/// would (its own service scope, its timeout, its failure status), so the monitor can run each on its own
/// schedule: a check that throws gives its registration's failure status with the exception; a check past its
/// timeout gives the failure status with a reason naming the timeout at once, even if it ignores cancellation. Such
/// a check keeps its scope until it really ends, and is not started again meanwhile (each run reports it still
/// running). Time comes from the <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HealthCheckRunner(IServiceScopeFactory scopes, TimeProvider time)
{
    private readonly ScopedRuns _runs = new(scopes, time);

    public async Task<HealthCheckOutcome> RunAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        long started = time.GetTimestamp();
        ScopedOutcome<HealthCheckResult> outcome = await _runs.RunAsync<HealthCheckResult>(
            registration.Name,
            registration.Timeout,
            services =>
            {
                IHealthCheck check = registration.Factory(services);
                return token => check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, token);
            },
            cancellationToken).ConfigureAwait(false);
        TimeSpan duration = time.GetElapsedTime(started);
        HealthCheckResult result = outcome switch
        {
            { StillRunningFor: { } running } => new HealthCheckResult(registration.FailureStatus, string.Create(
                CultureInfo.InvariantCulture,
                $"{registration.Name} has not answered since its timeout of {registration.Timeout} ({running.TotalSeconds:0.#} s ago it started); not started again until it does.")),
            { TimedOut: true } => new HealthCheckResult(registration.FailureStatus, $"{registration.Name} did not answer within its timeout of {registration.Timeout}."),
            { Error: { } ex } => new HealthCheckResult(registration.FailureStatus, $"{registration.Name} threw {ex.GetType().Name}: {ex.Message}", ex),
            _ => outcome.Value,
        };
        return new HealthCheckOutcome(registration.Name, result, duration, registration.Tags, outcome.TimedOut);
    }
}
