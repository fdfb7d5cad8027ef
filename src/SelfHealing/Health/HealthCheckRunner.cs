using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>
/// Runs one of the application's <see cref="HealthCheckRegistration"/>s the way the health-check service
/// would (its own service scope, its timeout, its failure status), so the monitor can run each on its own
/// schedule: a check that throws gives its registration's failure status with the exception; a check past its
/// timeout gives the failure status with a reason naming the timeout, even if it ignores cancellation (the
/// runner stops waiting; the check's task is left to finish on its own). Time comes from the
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HealthCheckRunner(IServiceScopeFactory scopes, TimeProvider time)
{
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing check is a health result, not an error of the monitor.")]
    public async Task<HealthCheckOutcome> RunAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        long started = time.GetTimestamp();
        bool timed = registration.Timeout > TimeSpan.Zero && registration.Timeout != Timeout.InfiniteTimeSpan;
        using CancellationTokenSource? linked = timed ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        CancellationToken token = linked?.Token ?? cancellationToken;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        HealthCheckResult result;
        try
        {
            IHealthCheck check = registration.Factory(scope.ServiceProvider);
            var context = new HealthCheckContext { Registration = registration };
            Task<HealthCheckResult> running = Task.Run(() => check.CheckHealthAsync(context, token), token);
            if (timed)
            {
                Task timeout = Task.Delay(registration.Timeout, time, token);
                Task first = await Task.WhenAny(running, timeout).ConfigureAwait(false);
                if (first != running)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await linked!.CancelAsync().ConfigureAwait(false);
                    _ = running.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    result = new HealthCheckResult(registration.FailureStatus, $"{registration.Name} did not answer within its timeout of {registration.Timeout}.");
                    return new HealthCheckOutcome(registration.Name, result, time.GetElapsedTime(started), registration.Tags, TimedOut: true);
                }
            }

            result = await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            result = new HealthCheckResult(registration.FailureStatus, $"{registration.Name} threw {ex.GetType().Name}: {ex.Message}", ex);
        }

        return new HealthCheckOutcome(registration.Name, result, time.GetElapsedTime(started), registration.Tags);
    }
}
