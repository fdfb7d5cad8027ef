using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SelfHealing.Benchmarks.Supervision;

internal sealed record KillFigures(int Cycles, int Restored, int AheadByOne, double StartP50Ms);

/// <summary>
/// A child process runs a supervised consumer that checkpoints its offset without pause on a SQLite store and
/// prints each offset once the checkpoint is acknowledged; the parent kills it (SIGKILL) after a seeded number
/// of acknowledgements, reads what it printed up to its death, and starts it again: each start must be handed
/// an offset at least as far as the last one acknowledged.
/// </summary>
internal static class KillCycles
{
    public static async Task<KillFigures> RunAsync(int cycles)
    {
        string db = Path.Combine(Path.GetTempPath(), $"selfhealing-kill-{Environment.ProcessId}.db");
        Delete(db);
        var random = new Random(2026);
        long acknowledged = 0;
        int restored = 0, ahead = 0;
        var starts = new List<double>();
        try
        {
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                using Process child = Start(db);
                long began = Stopwatch.GetTimestamp();
                string? first = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
                starts.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                if (first is null || !first.StartsWith("restored ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Cycle {cycle}: the child said '{first}' instead of its restored offset; stderr: {await child.StandardError.ReadToEndAsync()}");
                }

                long offset = long.Parse(first["restored ".Length..], CultureInfo.InvariantCulture);
                if (offset >= acknowledged)
                {
                    restored++;
                }
                else
                {
                    Console.WriteLine($"cycle {cycle}: restored {offset}, but {acknowledged} was acknowledged");
                }

                if (offset == acknowledged + 1)
                {
                    ahead++; // written and durable, killed before it printed the acknowledgement
                }

                acknowledged = Math.Max(acknowledged, offset);
                int acks = random.Next(1, 40);
                for (int i = 0; i < acks; i++)
                {
                    acknowledged = Math.Max(acknowledged, Ack(await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)), cycle));
                }

                child.Kill(entireProcessTree: true);
                string rest = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
                foreach (string line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    acknowledged = Math.Max(acknowledged, Ack(line, cycle));
                }

                await child.WaitForExitAsync();
            }
        }
        finally
        {
            Delete(db);
        }

        starts.Sort();
        return new KillFigures(cycles, restored, ahead, starts.Count == 0 ? 0 : starts[starts.Count / 2]);
    }

    public static async Task RunChildAsync(string db)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSelfHealing(b => b
            .ConfigureMetrics(o => o.CollectProcessMetrics = false)
            .UseSqliteStore(o => o.Path = db)
            .AddSupervisor("ingest", s => s.AddWorker("consumer", async (context, token) =>
            {
                long offset = context.GetState<long>();
                Console.Out.WriteLine($"restored {offset.ToString(CultureInfo.InvariantCulture)}");
                while (!token.IsCancellationRequested)
                {
                    offset++;
                    await context.CheckpointAsync(offset, token);
                    Console.Out.WriteLine($"ack {offset.ToString(CultureInfo.InvariantCulture)}");
                }
            })));
        using IHost host = builder.Build();
        await host.RunAsync();
    }

    private static long Ack(string? line, int cycle) =>
        line is not null && line.StartsWith("ack ", StringComparison.Ordinal)
            ? long.Parse(line["ack ".Length..], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Cycle {cycle}: the child said '{line}' instead of an acknowledgement.");

    private static Process Start(string db)
    {
        // This program's own executable, or (under dotnet, or from a test host) the dotnet host with this assembly.
        string self = Environment.ProcessPath!;
        bool apphost = System.Reflection.Assembly.GetEntryAssembly() == typeof(KillCycles).Assembly && Path.GetFileNameWithoutExtension(self) != "dotnet";
        string host = apphost ? self : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? (Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet");
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!apphost)
        {
            info.ArgumentList.Add(typeof(KillCycles).Assembly.Location);
        }

        info.ArgumentList.Add("supervision-child");
        info.ArgumentList.Add(db);
        return Process.Start(info)!;
    }

    private static void Delete(string db)
    {
        foreach (string file in new[] { db, db + "-wal", db + "-shm" })
        {
            File.Delete(file);
        }
    }
}
