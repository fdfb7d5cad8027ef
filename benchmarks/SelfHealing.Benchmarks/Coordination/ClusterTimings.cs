using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Coordination;
using SelfHealing.Coordination.Tests.TestSupport;
using SelfHealing.Health;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// Wall-clock figures of a real cluster on 127.0.0.1 (all nodes in this process, default options unless given):
/// time to a first leader, time to a new leader after the leader stops, and the time a replicated command takes to be
/// applied on every node. Elections are random by design, so each figure is taken over several rounds.
/// Run with <c>dotnet run -c Release --project benchmarks/SelfHealing.Benchmarks -- cluster [rounds] [requestTimeoutMs] [connectTimeoutMs]</c>.
/// </summary>
internal static class ClusterTimings
{
    private static TimeSpan s_requestTimeout;
    private static TimeSpan s_connectTimeout;

    public static async Task RunAsync(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var defaults = new CoordinationOptions();
        s_requestTimeout = args.Length > 2 ? TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)) : defaults.RequestTimeout;
        s_connectTimeout = args.Length > 3 ? TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture)) : defaults.ConnectTimeout;
        Console.WriteLine($"Cluster timings on 127.0.0.1, {Environment.ProcessorCount} cores, {rounds} rounds per size; election timeout {defaults.ElectionTimeoutMin.TotalMilliseconds}-{defaults.ElectionTimeoutMax.TotalMilliseconds} ms, request timeout {s_requestTimeout.TotalMilliseconds} ms, connect timeout {s_connectTimeout.TotalMilliseconds} ms");
        foreach (int size in new[] { 5, 20 })
        {
            var firstLeader = new List<double>();
            var failover = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                (double first, double next) = await ElectAndFailOverAsync(size);
                firstLeader.Add(first);
                failover.Add(next);
            }

            var killed = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                killed.Add(await ClusterKill.FailoverAsync(size, s_requestTimeout, s_connectTimeout));
            }

            Console.WriteLine($"{size} nodes: first leader {Describe(firstLeader)}; new leader after the leader stops {Describe(failover)}; after the leader's process is killed {Describe(killed)}");
        }

        var paused = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            paused.Add(await ClusterKill.FailoverAsync(5, s_requestTimeout, s_connectTimeout, pause: true));
        }

        Console.WriteLine($"5 nodes: new leader after the leader's process is paused (SIGSTOP) {Describe(paused)}");
        (List<double> fromLeader, List<double> fromFollower) = await ReplicateAsync(5, 200);
        Console.WriteLine($"5 nodes, a command applied on every node: from the leader {Describe(fromLeader)}; from a follower (forwarded) {Describe(fromFollower)}");
    }

    /// <summary>
    /// <c>failover [rounds] [requestTimeoutMs]</c>: five node processes, the leader killed, then (in as many fresh
    /// clusters) paused with SIGSTOP; prints each round and, last, <c>failover kill_median_ms=… kill_max_ms=…
    /// pause_median_ms=… pause_max_ms=…</c>.
    /// </summary>
    public static async Task RunFailoverAsync(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var defaults = new CoordinationOptions();
        TimeSpan request = args.Length > 2 ? TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)) : defaults.RequestTimeout;
        Console.WriteLine($"Failover of 5 node processes on 127.0.0.1, {Environment.ProcessorCount} cores, {rounds} rounds each; election timeout {defaults.ElectionTimeoutMin.TotalMilliseconds}-{defaults.ElectionTimeoutMax.TotalMilliseconds} ms, request timeout {request.TotalMilliseconds} ms");
        var killed = new List<double>();
        var paused = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            killed.Add(await ClusterKill.FailoverAsync(5, request, defaults.ConnectTimeout));
            paused.Add(await ClusterKill.FailoverAsync(5, request, defaults.ConnectTimeout, pause: true));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: killed {killed[^1]:0} ms, paused {paused[^1]:0} ms"));
        }

        Console.WriteLine($"killed: {Describe(killed)}; paused: {Describe(paused)}");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"failover kill_median_ms={Median(killed):0} kill_max_ms={killed.Max():0} pause_median_ms={Median(paused):0} pause_max_ms={paused.Max():0}"));
    }

    private static double Median(List<double> ms) => ms.Order().ElementAt(ms.Count / 2);

    private static async Task<(double First, double Failover)> ElectAndFailOverAsync(int size)
    {
        List<(string Id, IHost Host, ClusterCoordinator Node)> nodes = Build(size);
        try
        {
            long start = Stopwatch.GetTimestamp();
            await Task.WhenAll(nodes.Select(n => n.Host.StartAsync()));
            string leader = await AgreedLeaderAsync(nodes);
            double first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            (string Id, IHost Host, ClusterCoordinator Node) stopped = nodes.Single(n => n.Id == leader);
            start = Stopwatch.GetTimestamp();
            await stopped.Host.StopAsync();
            nodes.Remove(stopped);
            stopped.Host.Dispose();
            await AgreedLeaderAsync(nodes, except: leader);
            return (first, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        finally
        {
            await StopAsync(nodes);
        }
    }

    private static async Task<(List<double>, List<double>)> ReplicateAsync(int size, int commands)
    {
        List<(string Id, IHost Host, ClusterCoordinator Node)> nodes = Build(size);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.Host.StartAsync()));
            string leader = await AgreedLeaderAsync(nodes);
            ClusterCoordinator fromLeader = nodes.Single(n => n.Id == leader).Node;
            ClusterCoordinator fromFollower = nodes.First(n => n.Id != leader).Node;
            return (await TimeAsync(fromLeader), await TimeAsync(fromFollower));

            async Task<List<double>> TimeAsync(ClusterCoordinator origin)
            {
                var times = new List<double>();
                for (int i = 0; i < commands; i++)
                {
                    string component = $"c{i % 10}";
                    HealthLevel level = (HealthLevel)(1 + (i % 3));
                    long start = Stopwatch.GetTimestamp();
                    await origin.ReportHealthAsync(component, level);
                    while (!nodes.All(n => n.Node.State.Health.Any(h => h.Component == component && h.Level == level && h.Node == origin.NodeId)))
                    {
                        await Task.Yield();
                    }

                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                return times;
            }
        }
        finally
        {
            await StopAsync(nodes);
        }
    }

    private static List<(string, IHost, ClusterCoordinator)> Build(int size)
    {
        int[] ports = LoopbackPorts.Take(size);
        var members = Enumerable.Range(1, size).ToDictionary(i => $"node-{i}", i => $"127.0.0.1:{ports[i - 1]}");
        return [.. members.Keys.Select(id =>
        {
            IHost host = CreateNode(id, members, s_requestTimeout, s_connectTimeout);
            return (id, host, host.Services.GetRequiredService<ClusterCoordinator>());
        })];
    }

    /// <summary>One node's host with default options but for the two timeouts measured.</summary>
    internal static IHost CreateNode(string id, IReadOnlyDictionary<string, string> members, TimeSpan requestTimeout, TimeSpan connectTimeout) =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddSelfHealing(b => b.UseCoordination(o =>
            {
                o.NodeId = id;
                foreach ((string member, string endpoint) in members)
                {
                    o.Members[member] = endpoint;
                }

                o.HeartbeatEventInterval = TimeSpan.Zero;
                o.ReportHealth = false;
                o.RequestTimeout = requestTimeout;
                o.ConnectTimeout = connectTimeout;
            })))
            .Build();

    private static async Task<string> AgreedLeaderAsync(List<(string Id, IHost Host, ClusterCoordinator Node)> nodes, string? except = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 60);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            string? leader = nodes[0].Node.LeaderId;
            if (leader is not null && leader != except && nodes.All(n => n.Node.LeaderId == leader) && nodes.Any(n => n.Id == leader))
            {
                return leader;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException("No leader within 60 s.");
    }

    private static async Task StopAsync(List<(string Id, IHost Host, ClusterCoordinator Node)> nodes)
    {
        await Task.WhenAll(nodes.Select(n => n.Host.StopAsync()));
        foreach ((_, IHost host, _) in nodes)
        {
            host.Dispose();
        }
    }

    private static string Describe(List<double> ms)
    {
        double[] sorted = [.. ms.Order()];
        double median = sorted[sorted.Length / 2];
        return string.Create(CultureInfo.InvariantCulture, $"median {median:0.#} ms (min {sorted[0]:0.#}, max {sorted[^1]:0.#})");
    }
}
