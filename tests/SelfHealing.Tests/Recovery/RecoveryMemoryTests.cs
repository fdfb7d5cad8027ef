using Microsoft.Extensions.DependencyInjection;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Storage;
using SelfHealing.Tests.TestSupport;
using Xunit.Abstractions;

namespace SelfHealing.Tests.Recovery;

[Collection(SerialTests.Name)]
public sealed class RecoveryMemoryTests(ITestOutputHelper output)
{
    private const int Components = 1000;
    private const int Plans = 50;

    [Fact]
    public async Task A_thousand_components_fifty_plans_and_a_full_incident_history_stay_under_five_megabytes()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IStateStore, DiscardingStore>(); // the store's copies are the store's memory (on disk with a durable store)
        services.AddSelfHealing(b =>
        {
            b.ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.LogAlerts = false; })
             .ConfigureRecovery(o => o.IncidentHistory = Components);
            for (int i = 0; i < Components; i++)
            {
                b.AddHealableComponent($"component-{i}", h => h.OnRestart(_ => ValueTask.CompletedTask).VerifyWith(_ => ValueTask.FromResult(true)));
            }

            for (int p = 0; p < Plans; p++)
            {
                int plan = p;
                b.AddRecoveryPlan(r => { r.FailureType = $"failure-{plan}"; r.Fallbacks.Add(RecoveryStrategy.Fallback); r.Fallbacks.Add(RecoveryStrategy.ScaleResources); });
            }
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<HealthMonitor>();
        var manager = provider.GetRequiredService<RecoveryManager>();
        await monitor.StartAsync(CancellationToken.None);
        await manager.StartAsync(CancellationToken.None);
        for (int i = 0; i < 10; i++)
        {
            await manager.RecoverAsync($"component-{i}", $"failure-{i % Plans}"); // the first incidents fill one-time caches (serializer metadata)
        }

        long started = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < Components; i++)
        {
            Incident incident = await manager.RecoverAsync($"component-{i}", $"failure-{i % Plans}").WaitAsync(TimeSpan.FromSeconds(10));
            incident.Status.Should().Be(IncidentStatus.Resolved);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double megabytes = (after - before) / 1024.0 / 1024.0;
        output.WriteLine($"{Components} components, {Plans} plans, {manager.IncidentHistory.Count} incidents, {manager.Statistics.Count} statistics: {megabytes:F2} MB, of which {(started - before) / 1024.0 / 1024.0:F2} MB before the 1,000 incidents");
        (manager.IncidentHistory.Count, manager.Statistics.Count).Should().Be((Components, Plans));
        megabytes.Should().BeLessThan(5, "the recovery state (with the DI container, the components and the monitor around it) stays under 5 MB");
        await manager.StopAsync(CancellationToken.None);
        await monitor.StopAsync(CancellationToken.None);
    }

    private sealed class DiscardingStore : IStateStore
    {
        public ValueTask PutAsync(string collection, string key, string json, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<string?> GetAsync(string collection, string key, CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(null);

        public ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(string collection, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<KeyValuePair<string, string>>>([]);

        public ValueTask<bool> DeleteAsync(string collection, string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
    }
}
