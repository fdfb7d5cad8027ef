using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SelfHealing.Benchmarks.Supervision;

/// <summary>
/// One failure and replacement of a supervised worker in a host with every SelfHealing service running: the
/// worker throws, the tree decides (one-for-one, no backoff), publishes the changes, reports health twice, reads
/// the worker's state from the store and starts a new run; measured until the new run has started.
/// </summary>
public class SupervisionBenchmarks
{
    private IHost _host = null!;
    private TaskCompletionSource _fail = new();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GlobalSetup]
    public async Task Setup()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => o.CollectProcessMetrics = false)
            .AddSupervisor("loop", s => s
                .RestartIntensity(10_000, TimeSpan.FromMilliseconds(1))
                .Backoff(TimeSpan.Zero, TimeSpan.Zero, jitter: 0)
                .AddWorker("worker", async (_, token) =>
                {
                    var fail = new TaskCompletionSource();
                    Volatile.Write(ref _fail, fail);
                    Volatile.Read(ref _started).TrySetResult();
                    await fail.Task.WaitAsync(token);
                })));
        _host = builder.Build();
        await _host.StartAsync();
        await _started.Task;
    }

    [Benchmark(Description = "worker fails -> replacement started")]
    public async Task FailAndReplace()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _started, started);
        Volatile.Read(ref _fail).TrySetException(new InvalidOperationException("crash")); // a new one each time: a rethrown exception keeps its stack traces
        await started.Task;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
