using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>What one side used over one window: CPU seconds, bytes allocated, calls issued.</summary>
internal sealed record Phase(double Cpu, double Bytes, double Calls)
{
    public double CpuPerCall => Cpu / Calls;
}

/// <summary>The windows measured, side by side: window i of <see cref="Off"/> ran at the same time as window i of <see cref="On"/>.</summary>
internal sealed record Overhead(List<Phase> Off, List<Phase> On, TimeSpan WarmUp);

/// <summary>
/// The loop's overhead, measured as a paired experiment: two processes run the same service under the same load at the
/// same time, one with the loop's background services and one with the breakers only, and each reports its own CPU,
/// allocation and calls over the same windows. Measured at once, a drift of the machine (another tenant, a busy core)
/// weighs on both sides of every window, which alternating phases in one process could not cancel (they scattered by
/// ±19 % per round). Both processes first run a warm-up, untimed, so the code that runs once a second has reached the
/// JIT's final tier (it takes 30 calls) before anything is measured: a service's first minute is not its steady state.
/// </summary>
internal static class OverheadMeasurement
{
    /// <summary>The child's command: <c>validate-overhead-side --loop on|off --rate R --seed S</c>.</summary>
    public const string SideCommand = "validate-overhead-side";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(30);

    public static async Task<Overhead> MeasureAsync(double rate, int seed, TimeSpan window, int windows, TimeSpan warmUp)
    {
        using Side off = Side.Start(loop: false, rate, seed);
        using Side on = Side.Start(loop: true, rate, seed);
        await Task.WhenAll(off.ReadyAsync(), on.ReadyAsync());
        await Task.Delay(warmUp);
        (Phase Off, Phase On) last = await MarkAsync(off, on);
        var offPhases = new List<Phase>();
        var onPhases = new List<Phase>();
        for (int i = 0; i < windows; i++)
        {
            await Task.Delay(window);
            (Phase Off, Phase On) now = await MarkAsync(off, on);
            offPhases.Add(Delta(now.Off, last.Off));
            onPhases.Add(Delta(now.On, last.On));
            last = now;
        }

        await Task.WhenAll(off.StopAsync(), on.StopAsync());
        return new Overhead(offPhases, onPhases, warmUp);
    }

    /// <summary>One side: the host, the load, then a line of totals for each <c>mark</c> read from standard input, until <c>stop</c>.</summary>
    public static async Task<int> RunSideAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--loop");
        bool loop = at >= 0 && at + 1 < args.Length && args[at + 1] == "on";
        double rate = ValidationBenchmark.Option(args, "--rate", 10_000);
        int seed = (int)ValidationBenchmark.Option(args, "--seed", 1);
        var service = new SimulatedService(backgroundErrorRate: 1e-4, seed);
        using IHost host = ValidationBenchmark.BuildHost(service, loop, seed);
        await host.StartAsync();
        service.Connect(host.Services.GetRequiredService<CircuitBreakerRegistry>(), host.Services.GetRequiredService<ChaosInjector>());
        var load = new LoadGenerator(service, rate);
        using var stop = new CancellationTokenSource();
        Task run = Task.Run(() => load.RunAsync(stop.Token));
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is "mark")
        {
            Console.WriteLine(string.Create(Invariant, $"{Environment.CpuUsage.TotalTime.TotalSeconds:R} {GC.GetTotalAllocatedBytes(precise: false)} {load.Issued}"));
        }

        await stop.CancelAsync();
        await run;
        await host.StopAsync();
        return 0;
    }

    private static async Task<(Phase Off, Phase On)> MarkAsync(Side off, Side on)
    {
        off.Mark();
        on.Mark();
        Phase[] totals = await Task.WhenAll(off.TotalsAsync(), on.TotalsAsync());
        return (totals[0], totals[1]);
    }

    private static Phase Delta(Phase now, Phase before) => new(now.Cpu - before.Cpu, now.Bytes - before.Bytes, now.Calls - before.Calls);

    private sealed class Side(Process process, string name) : IDisposable
    {
        public static Side Start(bool loop, double rate, int seed)
        {
            // Run by "dotnet x.dll" the process is the muxer and the assembly goes first; run by its apphost, it is itself.
            string self = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is not known, so the measuring processes cannot be started.");
            var start = new ProcessStartInfo(self)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(OverheadMeasurement).Assembly.Location);
            }

            foreach (string arg in new[] { SideCommand, "--loop", loop ? "on" : "off", "--rate", rate.ToString("R", Invariant), "--seed", seed.ToString(Invariant) })
            {
                start.ArgumentList.Add(arg);
            }

            Process process = Process.Start(start) ?? throw new InvalidOperationException("The measuring process did not start.");
            process.StandardInput.AutoFlush = true;
            return new Side(process, loop ? "on" : "off");
        }

        public async Task ReadyAsync()
        {
            string? line = await ReadLineAsync();
            if (line != "ready")
            {
                throw new InvalidOperationException($"The {name} side said '{line}' instead of 'ready'.");
            }
        }

        public void Mark() => process.StandardInput.WriteLine("mark");

        public async Task<Phase> TotalsAsync()
        {
            string line = await ReadLineAsync() ?? throw new InvalidOperationException($"The {name} side ended before answering.");
            double[] values = [.. line.Split(' ').Select(v => double.Parse(v, NumberStyles.Float, Invariant))];
            return new Phase(values[0], values[1], values[2]);
        }

        public async Task StopAsync()
        {
            await process.StandardInput.WriteLineAsync("stop");
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(AnswerWait);
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        private Task<string?> ReadLineAsync() => process.StandardOutput.ReadLineAsync().WaitAsync(AnswerWait);
    }
}
