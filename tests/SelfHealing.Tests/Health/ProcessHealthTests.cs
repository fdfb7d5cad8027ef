using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.Health;

namespace SelfHealing.Tests.Health;

public sealed class ProcessHealthTests
{
    [Fact]
    public async Task The_process_component_reports_its_values_from_its_own_thread()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSelfHealing(b => b.AddProcessHealth(o => o.Interval = TimeSpan.FromMilliseconds(100)));
        using IHost host = builder.Build();
        var reported = new TaskCompletionSource<HealthMetrics>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetServices<IHostedService>().OfType<ProcessHealthSampler>().Single().Reported = m => reported.TrySetResult(m);

        await host.StartAsync();
        HealthMetrics metrics = await reported.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ComponentHealth? process = host.Services.GetRequiredService<HealthMonitor>().GetHealth("process");
        await host.StopAsync();

        metrics.CpuPercent.Should().BeGreaterThanOrEqualTo(0);
        metrics.Custom.Keys.Should().BeEquivalentTo([HealthMetricNames.ThreadPoolDelay, HealthMetricNames.ThreadPoolQueue, HealthMetricNames.HeapMegabytes]);
        metrics.Custom[HealthMetricNames.HeapMegabytes].Should().BeGreaterThan(0);
        process.Should().NotBeNull();
        process!.Metrics.Should().ContainKey(HealthMetricNames.ThreadPoolDelay);
    }

    [Fact]
    public void A_work_item_still_waiting_for_a_pool_thread_counts_with_its_wait_so_far_and_its_whole_wait_once_it_ran()
    {
        var time = new FakeTimeProvider();
        var held = new List<ProcessHealthSampler.PoolDelay>();
        var delay = new ProcessHealthSampler.PoolDelay(time, held.Add); // the "pool" holds the item until the test runs it

        delay.Sample(time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(700));
        delay.Sample(time.GetTimestamp()); // one item at a time: not queued again
        double waiting = delay.TakeLongestMilliseconds(time.GetTimestamp()); // not run yet: starved for 700 ms so far
        time.Advance(TimeSpan.FromMilliseconds(300));
        held[0].Ran(time.GetTimestamp());
        double ran = delay.TakeLongestMilliseconds(time.GetTimestamp());
        double afterwards = delay.TakeLongestMilliseconds(time.GetTimestamp());

        held.Should().ContainSingle();
        waiting.Should().Be(700);
        ran.Should().Be(1000);
        afterwards.Should().Be(0);
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_each()
    {
        var services = new ServiceCollection();

        Action add = () => services.AddSelfHealing(b => b.AddProcessHealth(o =>
        {
            o.Component = "a b";
            o.Interval = TimeSpan.FromMilliseconds(10);
        }));

        add.Should().Throw<ArgumentException>().WithMessage("*Component is 'a b'*").WithMessage("*Interval is 00:00:00.0100000; allowed: 00:00:00.1000000 to 01:00:00*");
    }
}
