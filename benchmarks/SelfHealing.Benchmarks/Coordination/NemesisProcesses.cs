using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Configuration;
using SelfHealing.Coordination;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// The nemesis's first phase: five node processes on 127.0.0.1, each with its own log directory and default timings,
/// running the <see cref="NemesisWorkload"/>, under a seeded schedule of SIGKILLs (restarted from the same directory)
/// and SIGSTOP/SIGCONT pauses longer than the lease and the election timeout, half of them aimed at the leader.
/// </summary>
internal sealed class NemesisProcesses : IAsyncDisposable
{
    public const string ChildCommand = "nemesis-node";
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly NemesisJournal _journal;
    private readonly Dictionary<string, string> _members;
    private readonly Dictionary<string, Child> _children = new(StringComparer.Ordinal);
    private readonly Random _random;
    private readonly List<StreamWriter> _logs = [];

    public NemesisProcesses(string root, NemesisJournal journal, int seed)
    {
        _root = root;
        _journal = journal;
        _random = new Random(seed);
        int[] ports = LoopbackPorts.Take(5);
        _members = Enumerable.Range(1, 5).ToDictionary(i => $"node-{i}", i => $"127.0.0.1:{ports[i - 1]}", StringComparer.Ordinal);
    }

    /// <summary>The child: <c>nemesis-node {id} {id=host:port,...} {logDirectory} {journal} {index} {seed}</c>.</summary>
    public static async Task RunChildAsync(string[] args)
    {
        string id = args[1];
        Dictionary<string, string> members = args[2].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        using var journal = new NemesisJournal(args[4], id);
        using IHost host = BuildNode(id, members, args[3], o => { }, logToStandardError: true);
        await host.StartAsync();
        var workload = new NemesisWorkload(
            host.Services.GetRequiredService<IClusterCoordinator>(),
            host.Services.GetRequiredService<AdaptiveConfigManager>(),
            host.Services.GetRequiredService<IEventHub>(),
            journal,
            int.Parse(args[5], CultureInfo.InvariantCulture),
            int.Parse(args[6], CultureInfo.InvariantCulture));
        var output = new Lock();
        void Say(string line)
        {
            lock (output)
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
        }

        using EventSubscription leaders = host.Services.GetRequiredService<IEventHub>().Subscribe("nemesis-leaders", e => e is LeaderElected);
        _ = Task.Run(async () =>
        {
            await foreach (SelfHealingEvent e in leaders.Reader.ReadAllAsync())
            {
                Say($"leader {((LeaderElected)e).Leader ?? "none"}");
            }
        });
        workload.Answered += () => Say("ok");
        using var stop = new CancellationTokenSource();
        Task running = workload.RunAsync(stop.Token);
        Say("started");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stop")
            {
                await stop.CancelAsync();
                await running;
                Say("stopped");
            }
            else if (command == "final")
            {
                Say($"final {workload.View()}");
            }
        }

        await stop.CancelAsync();
        await running;
        await host.StopAsync();
    }

    /// <summary>A node as the issue ran it: <c>AddSelfHealing</c> + <c>UseCoordination</c>, default timings, a log directory.</summary>
    internal static IHost BuildNode(string id, IReadOnlyDictionary<string, string> members, string logDirectory, Action<CoordinationOptions> configure, bool logToStandardError = false, string? logFile = null) =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(l =>
            {
                l.ClearProviders();
                if (logToStandardError)
                {
                    // What the node and the Raft engine say goes to the child's standard error, which the nemesis keeps per node.
                    l.AddSimpleConsole(c => c.TimestampFormat = "HH:mm:ss.fff ")
                        .AddFilter(level => level >= LogLevel.Information)
                        .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
                }

                if (logFile is not null)
                {
                    l.Services.AddSingleton<ILoggerProvider>(_ => new NemesisFileLog(logFile));
                }
            })
            .ConfigureServices(s => s.AddSelfHealing(b =>
            {
                b.AddAdaptiveParameters(NemesisWorkload.Definition);
                b.UseCoordination(o =>
                {
                    o.NodeId = id;
                    foreach ((string member, string endpoint) in members)
                    {
                        o.Members[member] = endpoint;
                    }

                    o.LogDirectory = logDirectory;
                    configure(o);
                });
            }))
            .Build();

    public async Task RunAsync(TimeSpan length)
    {
        foreach (string id in _members.Keys)
        {
            Start(id);
        }

        await AgreedLeaderAsync(except: null, [.. _members.Keys]);
        long end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            string? leader = await AgreedLeaderAsync(except: null, [.. _members.Keys]);
            bool atLeader = leader is not null && _random.NextDouble() < 0.5;
            string target = atLeader ? leader! : _members.Keys.ElementAt(_random.Next(_members.Count));
            if (_random.NextDouble() < 0.5)
            {
                await KillAsync(target, target == leader);
            }
            else
            {
                await PauseAsync(target, target == leader);
            }

            await Task.Delay(_random.Next(1000, 3000));
        }

        await FinishAsync();
    }

    private Task KillAsync(string id, bool leader) => FaultAsync("kill", id, leader, 1000, 3000, async child =>
    {
        child.Process.Kill();
        await child.Process.WaitForExitAsync();
    }, child =>
    {
        child.Process.Dispose();
        Start(id); // from the same directory
    });

    private Task PauseAsync(string id, bool leader) => FaultAsync("pause", id, leader, 5000, 9000, child =>
    {
        ClusterKill.Signal(child.Process, "STOP");
        child.Paused = true;
        return Task.CompletedTask;
    }, child =>
    {
        ClusterKill.Signal(child.Process, "CONT");
        child.Paused = false;
    });

    /// <summary>Injects a fault, times the failover when the node led, ends the fault after a random time in [<paramref name="minMs"/>, <paramref name="maxMs"/>) and checks the node answers again.</summary>
    private async Task FaultAsync(string kind, string id, bool leader, int minMs, int maxMs, Func<Child, Task> inject, Action<Child> end)
    {
        Child child = _children[id];
        _journal.Write("fault", kind, id, leader ? "leader" : "follower");
        long start = Stopwatch.GetTimestamp();
        await inject(child);
        long endAt = start + (long)(_random.Next(minMs, maxMs) / 1000.0 * Stopwatch.Frequency);
        if (leader)
        {
            await FailoverAsync(kind, id, start);
        }

        TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), endAt);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        end(child);
        _journal.Write("recovered", kind, id);
        await AnswersAsync(id);
    }

    /// <summary>Times the election of a new leader that every other running node follows.</summary>
    private async Task FailoverAsync(string kind, string old, long since)
    {
        string? next = await AgreedLeaderAsync(except: old, [.. _members.Keys.Where(k => k != old)]);
        if (next is not null)
        {
            double ms = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
            _journal.Write("failover", kind, ms.ToString("0.0", CultureInfo.InvariantCulture), old, next);
        }
        else
        {
            _journal.Write("failover", kind, AnswerBound.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), old, "none");
        }
    }

    /// <summary>A node back from a fault must answer a cluster-wide request again; one that does not is restarted, and counted stuck.</summary>
    private async Task AnswersAsync(string id)
    {
        Child child = _children[id];
        long since = Stopwatch.GetTimestamp();
        long deadline = since + (long)(AnswerBound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (child.LastOk > since && !child.Process.HasExited)
            {
                return;
            }

            await Task.Delay(20);
        }

        _journal.Write("stuck", id, child.Process.HasExited ? "exited" : "no_answer_within_30_s");
        child.Process.Kill();
        await child.Process.WaitForExitAsync();
        child.Process.Dispose();
        Start(id);
    }

    private async Task FinishAsync()
    {
        foreach (Child child in _children.Values)
        {
            child.Send("stop");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        string?[]? previous = null;
        for (int attempt = 0; ; attempt++)
        {
            foreach (Child child in _children.Values)
            {
                child.Final = null;
                child.Send("final");
            }

            long deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
            while (_children.Values.Any(c => c.Final is null) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10);
            }

            // Settled: every node at the same index, no change of its own still on its way to the log, and the same
            // answers as the round before (a proposal cancelled by the stop may still commit).
            string?[] finals = [.. _children.Values.Select(c => c.Final)];
            bool settled = finals.All(f => f is not null)
                && finals.Select(f => f!.Split(' ')[1]).Distinct().Count() == 1
                && finals.All(f => f!.Split(' ')[2] == f.Split(' ')[3])
                && previous is not null && finals.SequenceEqual(previous);
            previous = finals;
            if (settled || attempt == 20)
            {
                foreach ((string id, Child child) in _children)
                {
                    string[] view = (child.Final ?? "final 0 ? ? 0").Split(' ');
                    _journal.Write("final", id, view[1], view[2], view[3], "processes");
                }

                return;
            }

            await Task.Delay(500);
        }
    }

    private void Start(string id)
    {
        string spec = string.Join(',', _members.Select(p => $"{p.Key}={p.Value}"));
        string self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(NemesisProcesses).Assembly.Location);
        }

        int index = int.Parse(id["node-".Length..], CultureInfo.InvariantCulture);
        foreach (string a in new[] { ChildCommand, id, spec, Path.Combine(_root, id), Path.Combine(_root, $"journal-{id}.log"), index.ToString(CultureInfo.InvariantCulture), _random.Next().ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        var child = new Child(Process.Start(info)!);
        child.Process.OutputDataReceived += (_, line) =>
        {
            switch (line.Data)
            {
                case "ok":
                    child.LastOk = Stopwatch.GetTimestamp();
                    break;
                case { } l when l.StartsWith("leader ", StringComparison.Ordinal):
                    child.Leader = l["leader ".Length..];
                    break;
                case { } l when l.StartsWith("final ", StringComparison.Ordinal):
                    child.Final = l;
                    break;
            }
        };
        var log = new StreamWriter(Path.Combine(_root, $"engine-{id}.txt"), append: true) { AutoFlush = true };
        child.Process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } l)
            {
                lock (log)
                {
                    log.WriteLine(l);
                }
            }
        };
        _logs.Add(log);
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        _children[id] = child;
    }

    /// <summary>Waits (30 s at most) until every running, unpaused node among <paramref name="nodes"/> follows one leader other than <paramref name="except"/>.</summary>
    private async Task<string?> AgreedLeaderAsync(string? except, List<string> nodes)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(AnswerBound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            List<Child> live = [.. nodes.Select(n => _children[n]).Where(c => !c.Paused && !c.Process.HasExited)];
            string? leader = live.FirstOrDefault()?.Leader;
            if (leader is not null && leader != "none" && leader != except && live.All(c => c.Leader == leader))
            {
                return leader;
            }

            await Task.Delay(1);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Child child in _children.Values)
        {
            try
            {
                if (child.Paused)
                {
                    ClusterKill.Signal(child.Process, "CONT");
                }

                if (!child.Process.HasExited)
                {
                    child.Process.StandardInput.Close();
                    if (!await Exited(child.Process, TimeSpan.FromSeconds(10)))
                    {
                        _journal.Write("stuck", child.Id, "did_not_stop_within_10_s");
                        child.Process.Kill();
                    }
                    else if (child.Process.ExitCode != 0)
                    {
                        _journal.Write("crashed", child.Id, child.Process.ExitCode);
                    }
                }
            }
            finally
            {
                child.Process.Dispose();
            }
        }

        foreach (StreamWriter log in _logs)
        {
            lock (log)
            {
                log.Dispose();
            }
        }
    }

    private static async Task<bool> Exited(Process process, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed class Child(Process process)
    {
        public Process Process { get; } = process;

        public string Id => Process.StartInfo.ArgumentList[Process.StartInfo.ArgumentList.IndexOf(ChildCommand) + 1];

        public volatile bool Paused;

        public volatile string? Leader;

        public volatile string? Final;

        private long _lastOk;

        public long LastOk
        {
            get => Volatile.Read(ref _lastOk);
            set => Volatile.Write(ref _lastOk, value);
        }

        public void Send(string line)
        {
            try
            {
                Process.StandardInput.WriteLine(line);
                Process.StandardInput.Flush();
            }
            catch (IOException)
            {
            }
        }
    }
}
