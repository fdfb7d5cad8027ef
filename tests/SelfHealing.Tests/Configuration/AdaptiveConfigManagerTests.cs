using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Metrics;
using SelfHealing.Storage;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Configuration;

public sealed class AdaptiveConfigManagerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SignallingClock _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));

    private static ParameterDefinition[] Parameters() =>
    [
        ParameterDefinition.Integer("Orders:PoolSize", 10, minimum: 1, maximum: 100, maxChange: 20),
        ParameterDefinition.Duration("Orders:Timeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ParameterDefinition.Boolean("Orders:UseCache", true),
        ParameterDefinition.String("Orders:Mode", "fast", ["fast", "safe"]),
    ];

    private AdaptiveConfigManager Manager(int history = 50) =>
        new(Options.Create(new AdaptiveConfigOptions { HistorySize = history }), Parameters(), _time);

    private IHost Build(IStateStore? store = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(_time);
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        builder.Services.Configure<OrdersOptions>(builder.Configuration.GetSection("Orders"));
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
            .ConfigureHealth(o => { o.DefaultInterval = TimeSpan.FromHours(1); o.OutcomesToWorsen = 1; o.LogAlerts = false; })
            .AddHealthComponent("orders", _ => { })
            .AddAdaptiveParameters(Parameters()));
        return builder.Build();
    }

    [Fact]
    public void Changes_are_validated_whole_versioned_and_kept_for_rollback()
    {
        AdaptiveConfigManager manager = Manager(history: 3);
        ConfigSnapshot first = manager.Current;
        (first.Version, first.Source, first.Get<long>("Orders:PoolSize")).Should().Be((1, ConfigSource.Static, 10L));

        Action bad = () => manager.Update(new Dictionary<string, object> { ["Orders:PoolSize"] = 12L, ["Orders:Mode"] = "slow", ["Orders:Nope"] = 1 });
        bad.Should().Throw<ArgumentException>().WithMessage(
            "The configuration change was not applied: Orders:Mode: 'slow' is not one of fast, safe; Orders:Nope is not a parameter; known: Orders:Mode, Orders:PoolSize, Orders:Timeout, Orders:UseCache.*");
        manager.Current.Should().BeSameAs(first, "nothing of a bad change is applied");

        ConfigSnapshot second = manager.Update(new Dictionary<string, object> { ["Orders:PoolSize"] = 12L, ["Orders:Timeout"] = "00:00:02" });
        (second.Version, second.Get<long>("Orders:PoolSize"), second.Get<TimeSpan>("Orders:Timeout")).Should().Be((2, 12L, TimeSpan.FromSeconds(2)));
        manager.Update("Orders:PoolSize", 12L).Should().BeSameAs(second, "a change that changes nothing makes no version");
        manager.Update("Orders:UseCache", false);
        manager.Update("Orders:Mode", "safe");
        manager.History.Select(s => s.Version).Should().Equal(2, 3, 4);

        ConfigSnapshot back = manager.Rollback(2, "the cache was needed");
        (back.Version, back.Source, back.Reason, back.Get<bool>("Orders:UseCache"), back.Get<string>("Orders:Mode")).Should().Be((5, ConfigSource.Rollback, "the cache was needed", true, "fast"));
        Action gone = () => manager.Rollback(1);
        gone.Should().Throw<ArgumentException>().WithMessage("Version 1 is not kept; kept: 3, 4, 5.*");
    }

    [Fact]
    public void A_large_change_moves_by_the_limit_and_says_so()
    {
        AdaptiveConfigManager manager = Manager();
        ConfigSnapshot step = manager.Update("Orders:PoolSize", 90L);
        step.Get<long>("Orders:PoolSize").Should().Be(30);
        step.Reason.Should().Be("Orders:PoolSize moved to 30 on its way to 90 (at most 20 per change)");
        manager.Update("Orders:PoolSize", 90L).Get<long>("Orders:PoolSize").Should().Be(50);
        manager.ResetToDefault("Orders:PoolSize").Get<long>("Orders:PoolSize").Should().Be(10, "a reset is not a tuning step");
    }

    [Fact]
    public void A_complete_configuration_names_every_parameter_and_parameters_come_and_go()
    {
        AdaptiveConfigManager manager = Manager();
        Action partial = () => manager.ApplyComplete(new Dictionary<string, object> { ["Orders:PoolSize"] = 5L });
        partial.Should().Throw<ArgumentException>().WithMessage("A complete configuration names every parameter; missing: Orders:Mode, Orders:Timeout, Orders:UseCache.*");
        ConfigSnapshot complete = manager.ApplyComplete(new Dictionary<string, object>
        {
            ["Orders:PoolSize"] = 5L, ["Orders:Timeout"] = TimeSpan.FromSeconds(1), ["Orders:UseCache"] = false, ["Orders:Mode"] = "safe",
        }, ConfigSource.Optimizer, fitness: 0.8);
        (complete.Source, complete.Fitness).Should().Be((ConfigSource.Optimizer, 0.8));

        manager.AddParameter(ParameterDefinition.Float("Orders:Ratio", 0.5, 0, 1)).Get<double>("Orders:Ratio").Should().Be(0.5);
        manager.RemoveParameter("Orders:Mode").Values.Should().NotContainKey("Orders:Mode");
        Action unknown = () => manager.RemoveParameter("Orders:Mode");
        unknown.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task Readers_see_the_old_snapshot_or_the_new_one_never_a_mix()
    {
        AdaptiveConfigManager manager = Manager();
        using var stop = new CancellationTokenSource();
        int mixed = 0;
        long reads = 0;
        using var running = new CountdownEvent(3);
        Task[] readers = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            running.Signal();
            while (!stop.IsCancellationRequested)
            {
                ConfigSnapshot s = manager.Current;
                bool cache = s.Get<bool>("Orders:UseCache");
                string mode = s.Get<string>("Orders:Mode");
                if (cache != (mode == "fast"))
                {
                    Interlocked.Increment(ref mixed);
                }

                Interlocked.Increment(ref reads);
            }
        }))];
        running.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the readers should be running before the writes begin");

        for (int i = 0; i < 2000; i++)
        {
            bool even = i % 2 == 0;
            manager.Update(new Dictionary<string, object> { ["Orders:UseCache"] = !even, ["Orders:Mode"] = even ? "safe" : "fast" });
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        (mixed, manager.Current.Version).Should().Be((0, 2001L));
        Interlocked.Read(ref reads).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task The_app_s_options_monitor_sees_every_applied_change_and_the_hub_hears_of_it()
    {
        using IHost host = Build();
        using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("test", e => e is ConfigChanged);
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OrdersOptions>>();
        options.CurrentValue.PoolSize.Should().Be(10, "the defaults reach the configuration at start");
        var seen = new TaskCompletionSource<OrdersOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable? listener = options.OnChange(o => { if (o.PoolSize == 25) { seen.TrySetResult(o); } });

        host.Services.GetRequiredService<AdaptiveConfigManager>().Update(new Dictionary<string, object> { ["Orders:PoolSize"] = 25L, ["Orders:Timeout"] = TimeSpan.FromSeconds(3) });

        OrdersOptions changed = await seen.Task.WaitAsync(Wait);
        (changed.PoolSize, changed.Timeout).Should().Be((25, TimeSpan.FromSeconds(3)));
        var news = (ConfigChanged)await events.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        (news.PreviousVersion, news.Snapshot.Version).Should().Be((1, 2));
        news.Changed.Should().Equal("Orders:PoolSize", "Orders:Timeout");
        await host.StopAsync();
    }

    [Fact]
    public async Task The_last_applied_version_is_restored_after_a_restart()
    {
        var store = new InMemoryStateStore();
        using (IHost first = Build(store))
        {
            await first.StartAsync();
            var manager = first.Services.GetRequiredService<AdaptiveConfigManager>();
            manager.Update("Orders:PoolSize", 30L);
            manager.Update("Orders:Mode", "safe");
            await first.StopAsync();
        }

        string? stored = await store.GetAsync(AdaptiveConfigManager.VersionCollection, "0000000000000000003");
        await store.PutAsync(AdaptiveConfigManager.VersionCollection, "0000000000000000003", stored!.Replace("\"safe\"", "\"slow\"", StringComparison.Ordinal));

        using IHost second = Build(store);
        await second.StartAsync();
        var restored = second.Services.GetRequiredService<AdaptiveConfigManager>();
        (restored.Current.Version, restored.Get<long>("Orders:PoolSize"), restored.Get<string>("Orders:Mode")).Should().Be((3, 30L, "fast"), "a stored value that no longer fits takes the default");
        restored.History.Select(s => s.Version).Should().Equal(1, 2, 3);
        second.Services.GetRequiredService<IOptionsMonitor<OrdersOptions>>().CurrentValue.PoolSize.Should().Be(30);
        await second.StopAsync();
    }

    [Fact]
    public async Task A_guarded_change_that_keeps_health_and_metrics_stays()
    {
        using IHost host = Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var guard = new ConfigGuard { Window = TimeSpan.FromSeconds(30) };
        Task<GuardedApplyResult> applying = manager.ApplyGuardedAsync(new Dictionary<string, object> { ["Orders:PoolSize"] = 20L }, guard);
        await AdvanceUntilAsync(applying);
        GuardedApplyResult result = await applying;
        (result.RolledBack, result.Current.Get<long>("Orders:PoolSize")).Should().Be((false, 20L));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_guarded_change_after_which_a_component_gets_worse_is_rolled_back_at_once()
    {
        using IHost host = Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<AdaptiveConfigManager>();
        var monitor = host.Services.GetRequiredService<HealthMonitor>();
        monitor.Report("orders", HealthLevel.Healthy, "fine");
        var guard = new ConfigGuard { Window = TimeSpan.FromMinutes(10) };
        guard.Components.Add("orders");

        Task<GuardedApplyResult> applying = manager.ApplyGuardedAsync(new Dictionary<string, object> { ["Orders:PoolSize"] = 1L }, guard);
        monitor.Report("orders", HealthLevel.Critical, "pool exhausted");
        GuardedApplyResult result = await applying.WaitAsync(Wait); // no time moves: the news ends the window

        result.RolledBack.Should().BeTrue();
        result.Regressions.Should().Equal("orders went from Healthy to Critical: pool exhausted");
        (result.Current.Source, result.Current.Get<long>("Orders:PoolSize")).Should().Be((ConfigSource.Rollback, 10L));
        result.Current.Reason.Should().Be("guard rolled back version 2: orders went from Healthy to Critical: pool exhausted");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_guarded_change_after_which_a_metric_is_worse_beyond_its_tolerance_is_rolled_back()
    {
        using IHost host = Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<AdaptiveConfigManager>();
        MetricHistogram latency = host.Services.GetRequiredService<IMetricsCollector>().Histogram("orders.latency");
        for (int i = 0; i < 100; i++)
        {
            latency.Record(0.1);
        }

        var guard = new ConfigGuard { Window = TimeSpan.FromSeconds(30) };
        guard.Metrics.Add(new MetricGuard { Metric = "orders.latency", Statistic = MetricStatistic.P95, Tolerance = 0.2 });
        using EventSubscription changes = host.Services.GetRequiredService<IEventHub>().Subscribe("test", e => e is ConfigChanged c && c.Snapshot.Get<long>("Orders:PoolSize") == 2L);
        Task<GuardedApplyResult> applying = manager.ApplyGuardedAsync(new Dictionary<string, object> { ["Orders:PoolSize"] = 2L }, guard);
        await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)); // the values before are read, the change is applied

        for (int i = 0; i < 1000; i++)
        {
            latency.Record(0.5);
        }

        await AdvanceUntilAsync(applying);
        GuardedApplyResult result = await applying;

        result.RolledBack.Should().BeTrue();
        result.Regressions.Should().ContainSingle().Which.Should().Match("orders.latency P95 went from 0.09* to 0.50* (tolerance 20 %)", "p95 is within 1% of 0.1 before and 0.5 after");
        manager.Get<long>("Orders:PoolSize").Should().Be(10);
        await host.StopAsync();
    }

    // Moves the fake clock to each wait's due moment as the code under test starts it, a second at a time so the
    // collector files every bucket, until the task ends (bounded).
    private async Task AdvanceUntilAsync(Task task)
    {
        for (int i = 0; i < 1000 && await _time.AdvanceToNextTimerAsync(task, TimeSpan.FromSeconds(1)); i++)
        {
        }

        task.IsCompleted.Should().BeTrue();
    }

    public sealed class OrdersOptions
    {
        public int PoolSize { get; set; }

        public TimeSpan Timeout { get; set; }

        public bool UseCache { get; set; }

        public string Mode { get; set; } = "";
    }
}
