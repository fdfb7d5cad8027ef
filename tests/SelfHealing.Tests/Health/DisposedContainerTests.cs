using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Health;

namespace SelfHealing.Tests.Health;

/// <summary>A host disposed without being stopped: a check that starts while the container goes away ends quietly.</summary>
public sealed class DisposedContainerTests
{
    [Fact]
    public async Task A_run_that_cannot_make_its_scope_because_the_container_is_disposed_ends_without_throwing()
    {
        var checks = new HealthCheckServiceOptions();
        checks.Registrations.Add(new HealthCheckRegistration("db", _ => new AlwaysHealthy(), null, null));
        var scopes = new DisposedScopes();
        var monitor = new HealthMonitor(
            Options.Create(new HealthMonitorOptions { DefaultInterval = TimeSpan.FromHours(1), LogAlerts = false }),
            Options.Create(checks),
            scopes,
            new FakeTimeProvider());
        await monitor.StartAsync(CancellationToken.None);

        Func<Task> check = () => monitor.CheckNowAsync("db");
        await check.Should().NotThrowAsync("the container going away is not the check's failure");
        scopes.Asked.Should().BeGreaterThan(0, "the run did try to make its scope");
        Func<Task> dispose = async () => await monitor.DisposeAsync();
        await dispose.Should().NotThrowAsync();
    }

    private sealed class AlwaysHealthy : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy());
    }

    // What a disposed root provider does when asked for a scope.
    private sealed class DisposedScopes : IServiceScopeFactory
    {
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public IServiceScope CreateScope()
        {
            Interlocked.Increment(ref _asked);
            throw new ObjectDisposedException(nameof(IServiceProvider));
        }
    }
}
