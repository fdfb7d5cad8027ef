using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// Failover after a crash or a pause: every node is its own process, the leader's process is killed (no graceful stop)
/// or stopped with SIGSTOP (as a long GC pause or a frozen VM would: its sockets stay open and nothing answers), and the
/// time runs until every other node follows the same new leader. Each child prints <c>leader {id}</c> whenever its
/// node learns of a leader; the parent reads those lines.
/// </summary>
internal static class ClusterKill
{
    /// <summary>The child: one node, <c>cluster-node {id} {id=host:port,...} {requestMs} {connectMs}</c>; exits when stdin closes.</summary>
    public static async Task RunNodeAsync(string[] args)
    {
        string id = args[1];
        Dictionary<string, string> members = args[2].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        using IHost host = ClusterTimings.CreateNode(
            id,
            members,
            TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(int.Parse(args[4], CultureInfo.InvariantCulture)));
        EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("kill", e => e is LeaderElected);
        await host.StartAsync();
        Console.Out.WriteLine("started");
        Console.Out.Flush();
        _ = Task.Run(async () =>
        {
            await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
            {
                Console.Out.WriteLine($"leader {((LeaderElected)e).Leader ?? "none"}");
                Console.Out.Flush();
            }
        });
        await Console.In.ReadToEndAsync();
        await host.StopAsync();
    }

    /// <summary>Starts <paramref name="size"/> node processes, waits for a leader, kills (or pauses) it and times the new election.</summary>
    public static async Task<double> FailoverAsync(int size, TimeSpan requestTimeout, TimeSpan connectTimeout, bool pause = false)
    {
        int[] ports = LoopbackPorts.Take(size);
        var members = Enumerable.Range(1, size).ToDictionary(i => $"node-{i}", i => $"127.0.0.1:{ports[i - 1]}");
        string spec = string.Join(',', members.Select(p => $"{p.Key}={p.Value}"));
        var leaders = new ConcurrentDictionary<string, string>();
        var started = new ConcurrentDictionary<string, bool>();
        var processes = new Dictionary<string, Process>();
        string self = Environment.ProcessPath!;
        string assembly = typeof(ClusterKill).Assembly.Location;
        try
        {
            foreach (string id in members.Keys)
            {
                var info = new ProcessStartInfo(self)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardInput = true,
                    UseShellExecute = false,
                };
                if (Path.GetFileNameWithoutExtension(self) == "dotnet")
                {
                    info.ArgumentList.Add(assembly);
                }

                foreach (string a in new[] { "cluster-node", id, spec, requestTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture), connectTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) })
                {
                    info.ArgumentList.Add(a);
                }

                var process = Process.Start(info)!;
                process.OutputDataReceived += (_, line) =>
                {
                    if (line.Data == "started")
                    {
                        started[id] = true;
                    }
                    else if (line.Data?.StartsWith("leader ", StringComparison.Ordinal) == true)
                    {
                        leaders[id] = line.Data["leader ".Length..];
                    }
                };
                process.BeginOutputReadLine();
                processes[id] = process;
            }

            string leader = await AgreedAsync(members.Keys.ToList(), leaders, except: null);
            await Task.Delay(1000); // a settled cluster: heartbeats flowing to every follower
            long start = Stopwatch.GetTimestamp();
            if (pause)
            {
                Signal(processes[leader], "STOP");
            }
            else
            {
                processes[leader].Kill();
            }

            await AgreedAsync([.. members.Keys.Where(k => k != leader)], leaders, except: leader);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (pause)
            {
                Signal(processes[leader], "CONT");
            }

            return elapsed;
        }
        finally
        {
            foreach (Process process in processes.Values)
            {
                if (!process.HasExited)
                {
                    process.StandardInput.Close();
                    if (!process.WaitForExit(5000))
                    {
                        process.Kill();
                    }
                }

                process.Dispose();
            }
        }
    }

    internal static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    private static async Task<string> AgreedAsync(List<string> nodes, ConcurrentDictionary<string, string> leaders, string? except)
    {
        long deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (leaders.TryGetValue(nodes[0], out string? leader) && leader != "none" && leader != except
                && nodes.All(n => leaders.TryGetValue(n, out string? l) && l == leader))
            {
                return leader;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException("The nodes did not agree on a leader within 120 s.");
    }
}
