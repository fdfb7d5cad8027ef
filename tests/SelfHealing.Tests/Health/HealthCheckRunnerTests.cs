using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Health;

namespace SelfHealing.Tests.Health;

public sealed class HealthCheckRunnerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly HealthCheckRunner _runner;

    public HealthCheckRunnerTests()
    {
        ServiceProvider services = new ServiceCollection().BuildServiceProvider();
        _runner = new HealthCheckRunner(services.GetRequiredService<IServiceScopeFactory>(), _time);
    }

    private static HealthCheckRegistration Registration(string name, Func<CancellationToken, Task<HealthCheckResult>> check, TimeSpan? timeout = null, HealthStatus failure = HealthStatus.Unhealthy) =>
        new(name, _ => new DelegateCheck(check), failure, ["db"], timeout);

    [Fact]
    public async Task A_check_result_is_returned_with_its_tags()
    {
        HealthCheckOutcome outcome = await _runner.RunAsync(
            Registration("db", _ => Task.FromResult(HealthCheckResult.Degraded("slow"))), CancellationToken.None);
        (outcome.Name, outcome.Result.Status, outcome.Result.Description).Should().Be(("db", HealthStatus.Degraded, "slow"));
        outcome.Tags.Should().Equal("db");
    }

    [Fact]
    public async Task A_throwing_check_gives_the_registrations_failure_status_and_the_exception()
    {
        HealthCheckOutcome outcome = await _runner.RunAsync(
            Registration("db", _ => throw new InvalidOperationException("no connection"), failure: HealthStatus.Degraded), CancellationToken.None);
        outcome.Result.Status.Should().Be(HealthStatus.Degraded);
        outcome.Result.Exception.Should().BeOfType<InvalidOperationException>();
        outcome.Result.Description.Should().Be("db threw InvalidOperationException: no connection");
    }

    [Fact]
    public async Task A_check_past_its_timeout_fails_with_a_clear_reason_even_if_it_ignores_cancellation()
    {
        var never = new TaskCompletionSource<HealthCheckResult>();
        Task<HealthCheckOutcome> running = _runner.RunAsync(Registration("db", _ => never.Task, TimeSpan.FromSeconds(2)), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        running.IsCompleted.Should().BeFalse("the timeout has not passed");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        HealthCheckOutcome outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));
        outcome.Result.Status.Should().Be(HealthStatus.Unhealthy);
        outcome.Result.Description.Should().Be("db did not answer within its timeout of 00:00:02.");
        outcome.Duration.Should().Be(TimeSpan.FromSeconds(2));
        outcome.TimedOut.Should().BeTrue();
    }

    [Fact]
    public async Task A_check_past_its_timeout_keeps_its_scope_until_it_ends_and_is_not_started_again_meanwhile()
    {
        var services = new ServiceCollection().AddScoped<ScopedResource>().BuildServiceProvider();
        var runner = new HealthCheckRunner(services.GetRequiredService<IServiceScopeFactory>(), _time);
        var release = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScopedResource? used = null;
        var registration = new HealthCheckRegistration(
            "db",
            sp => new DelegateCheck(async _ =>
            {
                used = sp.GetRequiredService<ScopedResource>();
                Interlocked.Increment(ref started);
                running.TrySetResult();
                HealthCheckResult result = await release.Task; // ignores cancellation
                used.Disposed.Should().BeFalse("the check's scope lives as long as the check");
                return result;
            }),
            HealthStatus.Unhealthy,
            null,
            TimeSpan.FromSeconds(2));

        Task<HealthCheckOutcome> first = runner.RunAsync(registration, CancellationToken.None);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(2));
        (await first.WaitAsync(TimeSpan.FromSeconds(10))).TimedOut.Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(8));
        HealthCheckOutcome second = await runner.RunAsync(registration, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        (second.TimedOut, second.Result.Status, second.Result.Description).Should().Be((true, HealthStatus.Unhealthy,
            "db has not answered since its timeout of 00:00:02 (10 s ago it started); not started again until it does."));
        started.Should().Be(1, "a hung check is not started a second time");
        used!.Disposed.Should().BeFalse();

        release.SetResult(HealthCheckResult.Healthy());
        await used.Disposal.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the scope goes when the check ends
        HealthCheckOutcome third = await runner.RunAsync(registration, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        (third.Result.Status, started).Should().Be((HealthStatus.Healthy, 2));
    }

    private sealed class ScopedResource : IDisposable
    {
        public TaskCompletionSource Disposal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed => Disposal.Task.IsCompleted;

        public void Dispose() => Disposal.TrySetResult();
    }

    [Fact]
    public async Task A_slow_check_does_not_delay_another()
    {
        var slow = new TaskCompletionSource<HealthCheckResult>();
        Task<HealthCheckOutcome> first = _runner.RunAsync(Registration("slow", _ => slow.Task), CancellationToken.None);
        HealthCheckOutcome fast = await _runner.RunAsync(Registration("fast", _ => Task.FromResult(HealthCheckResult.Healthy())), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        fast.Result.Status.Should().Be(HealthStatus.Healthy);
        first.IsCompleted.Should().BeFalse();
        slow.SetResult(HealthCheckResult.Healthy());
        (await first.WaitAsync(TimeSpan.FromSeconds(10))).Result.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_health_result()
    {
        using var cancel = new CancellationTokenSource();
        Task<HealthCheckOutcome> running = _runner.RunAsync(
            Registration("db", async ct => { await Task.Delay(Timeout.Infinite, ct); return HealthCheckResult.Healthy(); }, TimeSpan.FromSeconds(5)),
            cancel.Token);
        await cancel.CancelAsync();
        Func<Task> wait = () => running.WaitAsync(TimeSpan.FromSeconds(10));
        await wait.Should().ThrowAsync<OperationCanceledException>();
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }
}
