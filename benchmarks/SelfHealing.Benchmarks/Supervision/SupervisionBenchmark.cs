using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Supervision;

namespace SelfHealing.Benchmarks.Supervision;

/// <summary>
/// <c>supervision [--restarts N] [--cycles N]</c>: how fast a failed worker is replaced (with no backoff and with a
/// 100 ms backoff), how many restarts a second the tree sustains and whether memory or threads grow over N restarts,
/// and whether every acknowledged checkpoint survives N SIGKILLs of a process whose worker checkpoints without pause
/// (SQLite store). The last line is the summary other tools read.
/// </summary>
internal static class SupervisionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int restarts = Option(args, "--restarts", 10_000);
        int cycles = Option(args, "--cycles", 1_000);
        CultureInfo c = CultureInfo.InvariantCulture;

        RestartFigures fast = await RestartLoop.MeasureAsync(1_000, TimeSpan.Zero); // warm-up, then the measured run
        fast = await RestartLoop.MeasureAsync(restarts, TimeSpan.Zero);
        RestartFigures slow = await RestartLoop.MeasureAsync(50, TimeSpan.FromMilliseconds(100));
        Console.WriteLine(string.Create(c, $"restarts (no backoff):   {fast.Count} in {fast.Elapsed.TotalSeconds:0.00} s = {fast.Count / fast.Elapsed.TotalSeconds:0} /s; failure to replacement running p50 {fast.P50Ms:0.000} ms, p99 {fast.P99Ms:0.000} ms, max {fast.MaxMs:0.000} ms"));
        Console.WriteLine(string.Create(c, $"restarts (100 ms backoff): {slow.Count}; failure to replacement running p50 {slow.P50Ms:0.000} ms, p99 {slow.P99Ms:0.000} ms (backoff included)"));
        Console.WriteLine(string.Create(c, $"growth over the last {fast.GrowthRestarts} restarts: managed heap {fast.HeapGrowthBytes / 1024.0:0.0} KiB ({(double)fast.HeapGrowthBytes / fast.GrowthRestarts:0.0} B per restart), threads {fast.ThreadGrowth:+0;-0;0}"));

        KillFigures kills = await KillCycles.RunAsync(cycles);
        Console.WriteLine(string.Create(c, $"kill cycles (SIGKILL while checkpointing, SQLite): {kills.Cycles}; acknowledged checkpoints restored {kills.Restored}/{kills.Cycles}; restored a write not yet acknowledged {kills.AheadByOne} times; restart p50 {kills.StartP50Ms:0} ms"));
        Console.WriteLine(string.Create(c,
            $"supervision restarts={fast.Count} restart_p50_ms={fast.P50Ms:0.000} restart_p99_ms={fast.P99Ms:0.000} backoff100_p99_ms={slow.P99Ms:0.0} restarts_per_s={fast.Count / fast.Elapsed.TotalSeconds:0} heap_growth_b_per_restart={(double)fast.HeapGrowthBytes / fast.GrowthRestarts:0.0} thread_growth={fast.ThreadGrowth} kill_cycles={kills.Cycles} state_restored={kills.Restored}/{kills.Cycles}"));
        return kills.Restored == kills.Cycles ? 0 : 1;
    }

    public static Task RunChildAsync(string[] args) => KillCycles.RunChildAsync(args[1]);

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

internal sealed record RestartFigures(int Count, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs, long HeapGrowthBytes, int ThreadGrowth, int GrowthRestarts);

/// <summary>A worker that fails right after each start, in a real host with every SelfHealing service running.</summary>
internal static class RestartLoop
{
    public static async Task<RestartFigures> MeasureAsync(int count, TimeSpan backoff)
    {
        var latencies = new long[count];
        int seen = 0;
        long failedAt = 0;
        int mark = Math.Min(1_000, count / 10); // memory and threads are read after this many restarts and at the end
        var marked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => o.CollectProcessMetrics = false)
            .AddSupervisor("loop", s => s
                .RestartIntensity(10_000, TimeSpan.FromMilliseconds(1))
                .Backoff(backoff, backoff, jitter: 0)
                .AddWorker("crasher", async (_, token) =>
                {
                    long now = Stopwatch.GetTimestamp();
                    if (failedAt != 0)
                    {
                        latencies[seen++] = now - failedAt;
                    }

                    if (seen == count)
                    {
                        done.TrySetResult();
                        await Task.Delay(Timeout.Infinite, token);
                    }

                    if (seen == mark && failedAt != 0 && marked.TrySetResult())
                    {
                        await resume.Task;
                    }

                    await Task.Yield();
                    failedAt = Stopwatch.GetTimestamp();
                    throw new InvalidOperationException("crash");
                })));
        using IHost host = builder.Build();
        await host.StartAsync();
        long started = Stopwatch.GetTimestamp();
        await marked.Task.WaitAsync(TimeSpan.FromMinutes(10));
        long pauseStart = Stopwatch.GetTimestamp();
        (long heap, int threads) = Measure();
        long pauseEnd = Stopwatch.GetTimestamp();
        resume.SetResult();
        await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started) - Stopwatch.GetElapsedTime(pauseStart, pauseEnd);
        (long heapAfter, int threadsAfter) = Measure();
        await host.StopAsync();

        Array.Sort(latencies);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new RestartFigures(count, elapsed, Ms(latencies[count / 2]), Ms(latencies[(int)(count * 0.99)]), Ms(latencies[^1]), heapAfter - heap, threadsAfter - threads, count - mark);
    }

    private static (long Heap, int Threads) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.Threads.Count);
    }
}
