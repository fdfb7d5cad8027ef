using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Tests.TestSupport;

/// <summary>A health check whose result the test sets.</summary>
internal sealed class SwitchableCheck : IHealthCheck
{
    private volatile HealthCheckResultBox _result = new(HealthCheckResult.Healthy());

    public HealthCheckResult Result
    {
        get => _result.Value;
        set => _result = new HealthCheckResultBox(value);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(Result);

    // HealthCheckResult is a struct: boxed so a check running on another thread reads it whole.
    private sealed record HealthCheckResultBox(HealthCheckResult Value);
}
