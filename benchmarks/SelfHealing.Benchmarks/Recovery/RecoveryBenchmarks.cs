using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Benchmarks.Recovery;

/// <summary>
/// The recovery manager with 1,000 healable components, 50 plans and learned statistics for each plan's
/// strategies: selecting a plan (with the learned reordering), and the time from a <see cref="HealthChanged"/>
/// published on the hub to the first recovery action started (the component's restart delegate entered).
/// </summary>
public class RecoveryBenchmarks
{
    private const int Components = 1000;
    private const int Plans = 50;
    private readonly TaskCompletionSource?[] _actions = new TaskCompletionSource?[Components];
    private ServiceProvider _services = null!;
    private RecoveryManager _manager = null!;
    private IEventHub _hub = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSelfHealing(b =>
        {
            b.ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.LogAlerts = false; });
            for (int i = 0; i < Components; i++)
            {
                int index = i;
                b.AddHealthComponent($"component-{i}", _ => { });
                b.AddHealableComponent($"component-{i}", h => h
                    .OnRestart(_ =>
                    {
                        Volatile.Read(ref _actions[index])?.TrySetResult();
                        return ValueTask.CompletedTask;
                    })
                    .OnFallback((_, _) => ValueTask.CompletedTask)
                    .VerifyWith(_ => ValueTask.FromResult(true)));
            }

            for (int p = 0; p < Plans; p++)
            {
                int plan = p;
                b.AddRecoveryPlan(r =>
                {
                    r.FailureType = $"failure-{plan}";
                    r.Primary = RecoveryStrategy.Restart;
                    r.Fallbacks.Add(RecoveryStrategy.Reconfigure);
                    r.Fallbacks.Add(RecoveryStrategy.Fallback);
                    r.Fallbacks.Add(RecoveryStrategy.ScaleResources);
                    r.Fallbacks.Add(RecoveryStrategy.ManualIntervention);
                });
            }
        });
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<HealthMonitor>().StartAsync(CancellationToken.None);
        _manager = _services.GetRequiredService<RecoveryManager>();
        await _manager.StartAsync(CancellationToken.None);
        _hub = _services.GetRequiredService<IEventHub>();
        DateTimeOffset now = DateTimeOffset.UnixEpoch;
        for (int p = 0; p < Plans; p++)
        {
            for (int i = 0; i < 5; i++)
            {
                var learned = new Incident($"seed-{p}-{i}", "component-0", $"failure-{p}", IncidentStatus.Resolved, now, now)
                {
                    Attempts = [new(RecoveryStrategy.Restart, 1, i % 2 == 0, TimeSpan.FromSeconds(1)), new(RecoveryStrategy.Fallback, 1, true, TimeSpan.FromSeconds(2))],
                };
                await _manager.LearnFromIncidentAsync(learned);
            }
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _manager.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    [Benchmark(Description = "SelectPlan (50 plans, learned reordering)")]
    public RecoveryPlan SelectPlan() => _manager.SelectPlan($"component-{_next++ % Components}", $"failure-{_next % Plans}");

    [Benchmark(Description = "HealthChanged published -> first action started")]
    public async Task HealthChangedToFirstAction()
    {
        int index = _next++ % Components;
        await _manager.WhenIdle($"component-{index}"); // the previous run of this component has ended
        var action = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _actions[index], action);
        _hub.Publish(new HealthChanged("benchmark", DateTimeOffset.UtcNow, $"component-{index}", HealthLevel.Healthy, HealthLevel.Critical, "benchmark"));
        await action.Task;
    }
}
