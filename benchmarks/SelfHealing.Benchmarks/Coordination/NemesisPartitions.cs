using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.Configuration;
using SelfHealing.Coordination;
using SelfHealing.Coordination.Testing;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// The nemesis's second phase: five nodes in this process over <see cref="InProcessClusterNetwork"/> (default timings,
/// a log directory each) running the same workload, under partitions in turn: a 2|3 split with the lease holder on
/// the small side, the leader alone, a lagging follower cut off long enough to be caught up by a snapshot, and a node
/// stopped and started again from its directory.
/// </summary>
internal sealed class NemesisPartitions : IAsyncDisposable
{
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(30);
    private readonly string _root;
    private readonly NemesisJournal _journal;
    private readonly Random _random;
    private readonly InProcessClusterNetwork _network = new();
    private readonly Dictionary<string, string> _members;
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    public NemesisPartitions(string root, NemesisJournal journal, int seed)
    {
        _root = root;
        _journal = journal;
        _random = new Random(seed);
        _members = Enumerable.Range(0, 5).ToDictionary(i => $"part-{(char)('a' + i)}", i => $"127.0.0.1:{7001 + i}", StringComparer.Ordinal);
    }

    public async Task RunAsync(TimeSpan length)
    {
        await Task.WhenAll(_members.Keys.Select(StartAsync));
        long end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        int round = 0;
        do
        {
            await LeaderAsync(except: null);
            switch (round++ % 4)
            {
                case 0:
                    await HolderOnTheSmallSideAsync();
                    break;
                case 1:
                    await LeaderAloneAsync();
                    break;
                case 2:
                    await LaggingFollowerAsync();
                    break;
                default:
                    await RestartAsync();
                    break;
            }

            await Task.Delay(_random.Next(1000, 2000));
        }
        while (Stopwatch.GetTimestamp() < end || round < 4);

        await FinishAsync();
    }

    private async Task HolderOnTheSmallSideAsync()
    {
        string? holder = null;
        long deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (holder is null && Stopwatch.GetTimestamp() < deadline)
        {
            holder = _nodes.Values.Select(n => n.Coordinator.State.ActiveLeases(DateTimeOffset.UtcNow) is [var lease, ..] ? lease.Holder : null).FirstOrDefault(h => h is not null);
            await Task.Delay(10);
        }

        holder ??= _members.Keys.First();
        string other = _members.Keys.Where(k => k != holder).ElementAt(_random.Next(4));
        await CutAsync("holder_minority", [holder, other], TimeSpan.FromMilliseconds(_random.Next(5000, 8000)), timeFailover: false);
    }

    private async Task LeaderAloneAsync()
    {
        string leader = await LeaderAsync(except: null) ?? _members.Keys.First();
        await CutAsync("leader_alone", [leader], TimeSpan.FromMilliseconds(_random.Next(4000, 7000)), timeFailover: true);
    }

    private async Task LaggingFollowerAsync()
    {
        string leader = await LeaderAsync(except: null) ?? string.Empty;
        string follower = _members.Keys.Where(k => k != leader).ElementAt(_random.Next(4));
        await CutAsync("lagging_follower", [follower], TimeSpan.FromMilliseconds(_random.Next(8000, 12000)), timeFailover: false);
    }

    private async Task CutAsync(string kind, string[] side, TimeSpan length, bool timeFailover)
    {
        string? leader = timeFailover ? side[0] : null;
        _journal.Write("fault", kind, string.Join(',', side), leader is null ? "-" : "leader");
        _journal.Write("minority", string.Join(',', side));
        long start = Stopwatch.GetTimestamp();
        _network.Partition(side.Select(s => _members[s]));
        if (timeFailover)
        {
            string? next = await LeaderAsync(except: leader, among: [.. _members.Keys.Except(side)]);
            double ms = next is null ? AnswerBound.TotalMilliseconds : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            _journal.Write("failover", "partition", ms.ToString("0.0", CultureInfo.InvariantCulture), leader!, next ?? "none");
        }

        TimeSpan wait = length - Stopwatch.GetElapsedTime(start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        _network.Heal();
        _journal.Write("healed");
        _journal.Write("recovered", kind, string.Join(',', side));
        foreach (string id in side)
        {
            await AnswersAsync(id);
        }
    }

    private async Task RestartAsync()
    {
        string id = _members.Keys.ElementAt(_random.Next(5));
        _journal.Write("fault", "restart", id, _nodes[id].Coordinator.Role == ClusterRole.Leader ? "leader" : "follower");
        await _nodes[id].DisposeAsync();
        await Task.Delay(_random.Next(1000, 3000));
        await StartAsync(id);
        _journal.Write("recovered", "restart", id);
        await AnswersAsync(id);
    }

    private async Task AnswersAsync(string id)
    {
        Node node = _nodes[id];
        long since = Stopwatch.GetTimestamp();
        long deadline = since + (long)(AnswerBound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (node.LastOk > since)
            {
                return;
            }

            await Task.Delay(20);
        }

        _journal.Write("stuck", id, "no_answer_within_30_s");
        await node.DisposeAsync();
        await StartAsync(id);
    }

    private async Task StartAsync(string id)
    {
        IHost host = NemesisProcesses.BuildNode(id, _members, Path.Combine(_root, id), o =>
        {
            o.Transport = ClusterTransport.Custom;
            o.Connections = _network.ConnectionsFor(_members[id]);
        }, logFile: Path.Combine(_root, $"engine-{id}.txt"));
        await host.StartAsync();
        var journal = new NemesisJournal(Path.Combine(_root, $"journal-{id}.log"), id);
        var workload = new NemesisWorkload(
            host.Services.GetRequiredService<IClusterCoordinator>(),
            host.Services.GetRequiredService<AdaptiveConfigManager>(),
            host.Services.GetRequiredService<IEventHub>(),
            journal,
            id[^1] - 'a' + 1,
            _random.Next());
        var node = new Node(host, journal, workload);
        workload.Answered += () => node.LastOk = Stopwatch.GetTimestamp();
        node.Run();
        _nodes[id] = node;
    }

    private async Task<string?> LeaderAsync(string? except, List<string>? among = null)
    {
        among ??= [.. _members.Keys];
        long deadline = Stopwatch.GetTimestamp() + (long)(AnswerBound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            string? leader = _nodes[among[0]].Coordinator.LeaderId;
            if (leader is not null && leader != except && among.All(n => _nodes[n].Coordinator.LeaderId == leader && _nodes[n].Coordinator.HasQuorum))
            {
                return leader;
            }

            await Task.Delay(1);
        }

        return null;
    }

    private async Task FinishAsync()
    {
        foreach (Node node in _nodes.Values)
        {
            await node.StopWorkloadAsync();
        }

        // Settled: every node at the same index, no change of its own still on its way to the log, and nothing moved
        // for a quarter of a second (a proposal cancelled by the stop may still commit). The final views are the ones judged.
        long deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        string[][] views = Views();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(250);
            string[][] again = Views();
            bool settled = Settled(again) && again.Zip(views).All(p => p.First.SequenceEqual(p.Second));
            views = again;
            if (settled)
            {
                break;
            }
        }

        foreach ((string id, string[] view) in _nodes.Keys.Zip(views))
        {
            _journal.Write("final", id, view[0], view[1], view[2], "partitions");
        }
    }

    private string[][] Views() => [.. _nodes.Values.Select(n => n.Workload.View().Split(' '))];

    /// <summary>Every node at the same index, and no change of its own still on its way to the log.</summary>
    private static bool Settled(string[][] views) =>
        views.Select(v => v[0]).Distinct().Count() == 1 && views.All(v => v[1] == v[2]);

    public async ValueTask DisposeAsync()
    {
        _network.Heal();
        foreach (Node node in _nodes.Values)
        {
            await node.DisposeAsync();
        }
    }

    private sealed class Node(IHost host, NemesisJournal journal, NemesisWorkload workload) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;
        private long _lastOk;
        private bool _disposed;

        public IClusterCoordinator Coordinator { get; } = host.Services.GetRequiredService<IClusterCoordinator>();

        public NemesisWorkload Workload => workload;

        public long LastOk
        {
            get => Volatile.Read(ref _lastOk);
            set => Volatile.Write(ref _lastOk, value);
        }

        public void Run() => _running = Task.Run(() => workload.RunAsync(_stop.Token));

        public async Task StopWorkloadAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopWorkloadAsync();
            try
            {
                await host.StopAsync();
            }
            catch (Exception ex)
            {
                journal.Write("crashed", "stop", ex.GetType().Name);
            }

            host.Dispose();
            journal.Dispose();
            _stop.Dispose();
        }
    }
}
