using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Recovery;

namespace SelfHealing.Chaos.Tests;

public sealed class ChaosInjectorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (ServiceProvider provider in _providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public void Chaos_is_off_by_default_and_refuses_a_fault_naming_the_switch()
    {
        ServiceProvider services = Build(enabled: false);
        ChaosInjector chaos = services.GetRequiredService<ChaosInjector>();

        chaos.Enabled.Should().BeFalse();
        Action start = () => chaos.Start(ChaosFault.Exception("db"));

        start.Should().Throw<InvalidOperationException>().WithMessage("*SelfHealing:Chaos:Enabled*");
        chaos.ActiveFaults.Should().BeEmpty();
    }

    [Fact]
    public void A_fault_out_of_range_is_refused_with_each_property_named()
    {
        ChaosInjector chaos = Build().GetRequiredService<ChaosInjector>();

        Action start = () => chaos.Start(ChaosFault.ErrorResult("db", 200) with { InjectionRate = 1.5, Target = "a:b" });

        start.Should().Throw<ArgumentException>()
            .WithMessage("*fault:InjectionRate is 1.5; allowed: 0 to 1.*")
            .WithMessage("*fault:StatusCode is 200; allowed: 400 to 599.*")
            .WithMessage("*fault:Target is 'a:b'*");
    }

    [Fact]
    public void A_configured_fault_out_of_range_stops_start_up_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SelfHealing:Chaos:Enabled"] = "true",
            ["SelfHealing:Chaos:Faults:0:Kind"] = "Latency",
            ["SelfHealing:Chaos:Faults:0:Target"] = "db",
            ["SelfHealing:Chaos:Faults:0:Threads"] = "0",
        }).Build();
        ServiceProvider services = Build(enabled: null, configuration);

        Action read = () => _ = services.GetRequiredService<IOptionsMonitor<ChaosOptions>>().CurrentValue;

        read.Should().Throw<OptionsValidationException>().WithMessage("*SelfHealing:Chaos:Faults:0:Threads is 0; allowed: 1 to 1,024.*");
    }

    [Fact]
    public async Task An_exception_fault_fails_every_call_through_the_breaker_until_it_stops_and_the_hub_hears_both()
    {
        ServiceProvider services = Build();
        using EventSubscription events = services.GetRequiredService<IEventHub>().Subscribe("test");
        ChaosInjector chaos = services.GetRequiredService<ChaosInjector>();
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");

        ActiveChaosFault fault = chaos.Start(ChaosFault.Exception("db"));
        CircuitBreakerResult<int> hit = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        CircuitBreakerResult<int> other = await services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("cache").ExecuteAsync(static _ => ValueTask.FromResult(2));
        fault.Stop().Should().BeTrue();
        CircuitBreakerResult<int> after = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(3));

        hit.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        hit.Exception.Should().BeOfType<ChaosException>().Which.FaultId.Should().Be(fault.Id);
        other.Value.Should().Be(2);
        after.Value.Should().Be(3);
        fault.StopReason.Should().Be(ChaosStopReason.Stopped);
        events.Reader.TryRead(out SelfHealingEvent? started).Should().BeTrue();
        started.Should().BeOfType<ChaosFaultStarted>().Which.FaultId.Should().Be(fault.Id);
        ReadAll(events).OfType<ChaosFaultStopped>().Should().ContainSingle(e => e.FaultId == fault.Id && e.Reason == ChaosStopReason.Stopped);
    }

    [Fact]
    public async Task Enough_injected_failures_open_the_breaker()
    {
        ServiceProvider services = Build(configureBreaker: o => { o.MinimumThroughput = 4; o.FailureRatio = 0.5; });
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        services.GetRequiredService<ChaosInjector>().Start(ChaosFault.Exception("db"));

        for (int i = 0; i < 4; i++)
        {
            await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        }

        breaker.State.Should().Be(CircuitState.Open);
    }

    [Fact]
    public async Task An_injection_rate_hits_that_share_of_calls_and_the_same_seed_hits_the_same_calls()
    {
        async Task<bool[]> Run()
        {
            ServiceProvider services = Build(seed: 7, configureBreaker: o => o.MinimumThroughput = 100_000);
            CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
            services.GetRequiredService<ChaosInjector>().Start(ChaosFault.Exception("db") with { InjectionRate = 0.25 });
            var hits = new bool[2_000];
            for (int i = 0; i < hits.Length; i++)
            {
                hits[i] = (await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1))).Status == CircuitBreakerResultStatus.Failure;
            }

            return hits;
        }

        bool[] first = await Run();
        bool[] second = await Run();

        first.Count(h => h).Should().BeInRange(400, 600); // 500 expected; the seed fixes the draw, so this cannot flake
        second.Should().Equal(first);
    }

    [Fact]
    public async Task A_latency_fault_delays_the_call_by_its_latency()
    {
        ServiceProvider services = Build();
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        services.GetRequiredService<ChaosInjector>().Start(ChaosFault.Delay("db", TimeSpan.FromMilliseconds(300)));

        ValueTask<CircuitBreakerResult<int>> call = breaker.ExecuteAsync(static _ => ValueTask.FromResult(5));
        _time.Advance(TimeSpan.FromMilliseconds(299));
        bool earlyDone = call.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        CircuitBreakerResult<int> result = await call;

        earlyDone.Should().BeFalse();
        result.Value.Should().Be(5);
    }

    [Fact]
    public async Task A_gradual_slowdown_grows_from_nothing_to_its_latency_over_its_ramp()
    {
        ServiceProvider services = Build();
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        services.GetRequiredService<ChaosInjector>().Start(ChaosFault.GradualSlowdown("db", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));

        _time.Advance(TimeSpan.FromSeconds(5)); // half way: 500 ms
        ValueTask<CircuitBreakerResult<int>> half = breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        bool halfEarly = half.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await half;
        _time.Advance(TimeSpan.FromSeconds(20)); // past the ramp: 1 s
        ValueTask<CircuitBreakerResult<int>> full = breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        bool fullEarly = full.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await full;

        halfEarly.Should().BeFalse();
        fullEarly.Should().BeFalse();
    }

    [Fact]
    public async Task A_timeout_fault_hangs_the_call_until_the_breaker_times_it_out()
    {
        ServiceProvider services = Build(configureBreaker: o => o.Timeout = TimeSpan.FromMilliseconds(200));
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        services.GetRequiredService<ChaosInjector>().Start(ChaosFault.Timeout("db"));

        ValueTask<CircuitBreakerResult<int>> call = breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        CircuitBreakerResult<int> result = await call.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        result.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        result.Exception.Should().BeOfType<CircuitTimeoutException>();
    }

    [Fact]
    public async Task An_error_result_is_a_real_response_for_http_calls_and_an_exception_with_the_code_otherwise()
    {
        ServiceProvider services = Build();
        CircuitBreakerRegistry breakers = services.GetRequiredService<CircuitBreakerRegistry>();
        services.GetRequiredService<ChaosInjector>().Start(ChaosFault.ErrorResult("api", 502));

        CircuitBreakerResult<HttpResponseMessage> http = await breakers.GetOrCreate("api").ExecuteAsync(static _ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK)));
        CircuitBreakerResult<int> other = await breakers.GetOrCreate("api").ExecuteAsync(static _ => ValueTask.FromResult(1));

        using HttpResponseMessage response = http.Value!;
        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        other.Exception.Should().BeOfType<ChaosException>().Which.StatusCode.Should().Be(502);
    }

    [Fact]
    public async Task A_fault_with_a_duration_stops_on_its_own()
    {
        ServiceProvider services = Build();
        using EventSubscription events = services.GetRequiredService<IEventHub>().Subscribe("test");
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        ActiveChaosFault fault = services.GetRequiredService<ChaosInjector>().Start(ChaosFault.Exception("db") with { Duration = TimeSpan.FromSeconds(2) });

        _time.Advance(TimeSpan.FromSeconds(2));
        await fault.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        CircuitBreakerResult<int> after = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));

        fault.StopReason.Should().Be(ChaosStopReason.Expired);
        fault.StoppedAt.Should().Be(fault.StartedAt + TimeSpan.FromSeconds(2));
        after.Value.Should().Be(1);
        ReadAll(events).OfType<ChaosFaultStopped>().Should().ContainSingle(e => e.Reason == ChaosStopReason.Expired);
    }

    [Fact]
    public async Task A_dead_component_stays_down_until_the_recovery_managers_restart_of_it()
    {
        ServiceProvider services = Build();
        ChaosInjector chaos = services.GetRequiredService<ChaosInjector>();
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        var restarts = new CountingComponent();
        HealableComponentRegistration registration = HealableInterception.Apply(
            services.GetRequiredService<IHealableInterception>(),
            [new HealableComponentRegistration("db", HealingLevel.Advanced, _ => restarts)]).Single();
        IHealableComponent healable = registration.Factory(services);
        ActiveChaosFault down = chaos.Start(ChaosFault.ComponentDown("db"));

        CircuitBreakerResult<int> before = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        _time.Advance(TimeSpan.FromMinutes(10));
        CircuitBreakerResult<int> later = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        await healable.RestartAsync(CancellationToken.None);
        CircuitBreakerResult<int> restarted = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));

        before.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        later.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        restarts.Restarts.Should().Be(1);
        down.StopReason.Should().Be(ChaosStopReason.Restarted);
        restarted.Value.Should().Be(1);
        healable.Capabilities.Should().Be(RecoveryCapabilities.Restart);
    }

    [Fact]
    public async Task InjectAsync_applies_the_faults_to_code_outside_a_breaker()
    {
        ChaosInjector chaos = Build().GetRequiredService<ChaosInjector>();

        await chaos.InjectAsync("queue"); // nothing active: passes
        chaos.Start(ChaosFault.ComponentDown("queue"));
        ValueTask call = chaos.InjectAsync("queue"); // the failure is the task's, not the call's
        Func<Task> awaiting = async () => await call;

        await awaiting.Should().ThrowAsync<ChaosException>().Where(e => e.Kind == ChaosFaultKind.ComponentDown && e.Target == "queue");
        chaos.Restarted("queue").Should().Be(1);
        await chaos.InjectAsync("queue");
    }

    [Fact]
    public async Task Switching_chaos_off_in_configuration_stops_every_fault_and_standing_faults_start_with_the_host()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["SelfHealing:Chaos:Enabled"] = "true",
            ["SelfHealing:Chaos:Faults:0:Kind"] = "Exception",
            ["SelfHealing:Chaos:Faults:0:Target"] = "db",
            ["SelfHealing:Chaos:Faults:0:InjectionRate"] = "1",
        });
        IConfigurationRoot configuration = new ConfigurationBuilder().Add(source).Build();
        ServiceProvider services = Build(enabled: null, configuration);
        ChaosInjector chaos = services.GetRequiredService<ChaosInjector>();
        CircuitBreaker breaker = services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("db");
        foreach (Microsoft.Extensions.Hosting.IHostedService hosted in services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        ActiveChaosFault standing = chaos.ActiveFaults.Should().ContainSingle().Subject;
        ActiveChaosFault manual = chaos.Start(ChaosFault.Delay("cache", TimeSpan.FromSeconds(1)));
        CircuitBreakerResult<int> during = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));
        source.Set("SelfHealing:Chaos:Enabled", "false");
        CircuitBreakerResult<int> after = await breaker.ExecuteAsync(static _ => ValueTask.FromResult(1));

        standing.Fault.Kind.Should().Be(ChaosFaultKind.Exception);
        during.Status.Should().Be(CircuitBreakerResultStatus.Failure);
        chaos.Enabled.Should().BeFalse();
        chaos.ActiveFaults.Should().BeEmpty();
        standing.StopReason.Should().Be(ChaosStopReason.Disabled);
        manual.StopReason.Should().Be(ChaosStopReason.Disabled);
        after.Value.Should().Be(1);
    }

    [Fact]
    public void Memory_growth_holds_its_bytes_and_frees_them_when_it_stops()
    {
        ChaosInjector chaos = Build().GetRequiredService<ChaosInjector>();
        long before = GC.GetTotalMemory(forceFullCollection: true);

        ActiveChaosFault fault = chaos.Start(ChaosFault.MemoryGrowth("cache", 32L << 20) with { Ramp = TimeSpan.Zero });
        long during = GC.GetTotalMemory(forceFullCollection: true);
        fault.Stop();
        long after = GC.GetTotalMemory(forceFullCollection: true);

        (during - before).Should().BeGreaterThanOrEqualTo(31L << 20); // 32 MiB held; a MiB of slack for what else the heap did
        (during - after).Should().BeGreaterThanOrEqualTo(31L << 20);
    }

    [Fact]
    public void Memory_growth_reaches_its_bytes_over_its_ramp()
    {
        ChaosInjector chaos = Build().GetRequiredService<ChaosInjector>();
        using ActiveChaosFault fault = chaos.Start(ChaosFault.MemoryGrowth("cache", 40L << 20) with { Ramp = TimeSpan.FromSeconds(4) });
        var work = (ProcessFaults.MemoryGrowth)fault.Work!;

        int atStart = work.HeldChunks;
        _time.Advance(TimeSpan.FromSeconds(1));
        int quarter = work.HeldChunks;
        _time.Advance(TimeSpan.FromSeconds(5));
        int full = work.HeldChunks;

        atStart.Should().Be(0);
        quarter.Should().Be(10);
        full.Should().Be(40);
    }

    [Fact]
    public void Cpu_burn_and_pool_starvation_run_their_threads_until_stopped()
    {
        ChaosInjector chaos = Build().GetRequiredService<ChaosInjector>();

        ActiveChaosFault burn = chaos.Start(ChaosFault.CpuBurn("process", threads: 2));
        ActiveChaosFault starve = chaos.Start(ChaosFault.ThreadPoolStarvation("process", workItems: 3));
        var spinning = (ProcessFaults.CpuBurn)burn.Work!;
        var blocked = (ProcessFaults.PoolStarvation)starve.Work!;
        bool allSpinning = spinning.WaitRunning(2, TimeSpan.FromSeconds(30));
        bool allBlocked = blocked.WaitRunning(3, TimeSpan.FromSeconds(30));
        burn.Stop();
        starve.Stop();

        allSpinning.Should().BeTrue();
        allBlocked.Should().BeTrue();
        spinning.WaitRunning(0, TimeSpan.FromSeconds(30)).Should().BeTrue();
        blocked.WaitRunning(0, TimeSpan.FromSeconds(30)).Should().BeTrue();
    }

    private ServiceProvider Build(bool? enabled = true, IConfiguration? configuration = null, int? seed = null, Action<CircuitBreakerOptions>? configureBreaker = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        services.AddSelfHealingCore(builder => builder.AddChaos(options =>
        {
            if (enabled is { } on)
            {
                options.Enabled = on;
            }

            options.Seed = seed;
        }));
        services.ConfigureAll<CircuitBreakerOptions>(options =>
        {
            options.MinimumThroughput = 1_000;
            configureBreaker?.Invoke(options);
        });
        ServiceProvider provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private static List<SelfHealingEvent> ReadAll(EventSubscription events)
    {
        var all = new List<SelfHealingEvent>();
        while (events.Reader.TryRead(out SelfHealingEvent? e))
        {
            all.Add(e);
        }

        return all;
    }

    private sealed class CountingComponent : HealableComponent
    {
        public int Restarts { get; private set; }

        public override RecoveryCapabilities Capabilities => RecoveryCapabilities.Restart;

        public override ValueTask RestartAsync(CancellationToken cancellationToken)
        {
            Restarts++;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReloadableSource(Dictionary<string, string?> values) : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);

        public new void Set(string key, string? value)
        {
            Data[key] = value;
            OnReload();
        }
    }
}
