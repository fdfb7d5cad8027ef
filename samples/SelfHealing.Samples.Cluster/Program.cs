// Three replicas of an orders service, each a Generic Host in this process and a node of one Raft cluster on
// 127.0.0.1. The payments provider goes down: two replicas' breakers open, so the circuit opens on all three.
// Then the shared database needs a restart: every replica asks, one gets the lease and does it.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.CircuitBreakers;
using SelfHealing.Coordination;
using SelfHealing.Events;

int[] ports = FreePorts(3);
var members = new Dictionary<string, string>
{
    ["orders-1"] = $"127.0.0.1:{ports[0]}",
    ["orders-2"] = $"127.0.0.1:{ports[1]}",
    ["orders-3"] = $"127.0.0.1:{ports[2]}",
};

var hosts = members.Keys.ToDictionary(id => id, id => Host.CreateDefaultBuilder()
    .ConfigureLogging(l => l.ClearProviders())
    .ConfigureServices(services => services.AddSelfHealing(b => b
        .AddCircuitBreaker("payments", o => { o.MinimumThroughput = 3; o.FailureRatio = 0.5; })
        .UseCoordination(o =>
        {
            o.NodeId = id;
            foreach ((string member, string endpoint) in members)
            {
                o.Members[member] = endpoint;
            }

            o.SharedCircuits.Add("payments");
            o.ClusterBreakDuration = TimeSpan.FromSeconds(2);
            o.HeartbeatEventInterval = TimeSpan.Zero;
        })))
    .Build());

var printed = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
foreach ((string id, IHost host) in hosts)
{
    EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("sample");
    _ = Task.Run(async () =>
    {
        await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
        {
            string? line = e switch
            {
                CircuitStateChanged c => $"breaker {c.CircuitName}: {c.PreviousState} -> {c.State} ({c.Cause})",
                ClusterCircuitChanged c => $"cluster: circuit {c.Circuit.Name} {(c.Circuit.IsOpen ? "OPEN" : "closed")} cluster-wide ({(c.Circuit.IsOpen ? $"a majority sees it open: {string.Join(", ", c.Circuit.OpenNodes)}" : c.Circuit.OpenNodes.Count == 0 ? "no node sees it open" : $"only {string.Join(", ", c.Circuit.OpenNodes)} still sees it open, short of a majority")})",
                HealingRequested h when h.Requester == id => h.Granted ? $"lease on {h.Lease.Target}: granted to {h.Requester}" : $"lease on {h.Lease.Target}: refused, {h.Lease.Holder} holds it",
                HealingExecuted h => $"lease on {h.Lease.Target}: {h.Lease.Holder} finished {h.Lease.Action} (succeeded: {h.Succeeded})",
                _ => null,
            };
            if (line is not null)
            {
                Console.WriteLine($"[{id}] {line}");
                printed.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
        }
    });
}

await Task.WhenAll(hosts.Values.Select(h => h.StartAsync()));
var nodes = hosts.ToDictionary(p => p.Key, p => p.Value.Services.GetRequiredService<ClusterCoordinator>());
await Task.WhenAll(nodes.Values.Select(n => n.WaitForLeaderAsync(TimeSpan.FromSeconds(10))));
Console.WriteLine($"Leader elected: {nodes["orders-1"].LeaderId} (term {nodes["orders-1"].Term}); members: {string.Join(", ", members.Keys)}");

Console.WriteLine("The payments provider goes down; orders-1 and orders-2 see it fail.");
foreach (string id in new[] { "orders-1", "orders-2" })
{
    CircuitBreaker payments = hosts[id].Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments");
    for (int i = 0; i < 3; i++)
    {
        await payments.ExecuteAsync<int>(_ => throw new HttpRequestException("payments provider: 503"));
    }
}

CircuitBreaker third = hosts["orders-3"].Services.GetRequiredService<CircuitBreakerRegistry>().GetOrCreate("payments");
await WaitAsync(() => third.State == CircuitState.Isolated);
CircuitBreakerResult<int> call = await third.ExecuteAsync(_ => new ValueTask<int>(42));
Console.WriteLine($"orders-3 never called payments itself, yet its breaker is {third.State}: a call there is {call.Status}.");
await WaitAsync(() => third.State == CircuitState.Closed);
Console.WriteLine($"After the cluster break duration every replica's breaker is {third.State} again and judges for itself.");

Console.WriteLine("The shared orders database needs a restart; all three replicas ask to do it.");
HealingLease[] leases = await Task.WhenAll(nodes.Values.Select(n => n.RequestHealingAsync("orders-db", "orders", "Restart", TimeSpan.FromSeconds(30))));
HealingLease winner = leases.Single(l => l.Granted);
Console.WriteLine($"Lease: {winner.Lease.Holder} restarts orders-db; {leases.Count(l => !l.Granted)} replicas stand by.");
await winner.CompleteAsync(succeeded: true, "restarted in 1.2 s");
await WaitAsync(() => nodes.Values.All(n => n.State.Leases.Count == 0));
await WaitAsync(() => printed.GetValueOrDefault(nameof(HealingExecuted)) >= 3 && printed.GetValueOrDefault(nameof(ClusterCircuitChanged)) >= 6);

Console.WriteLine($"Cluster state on orders-3: applied index {nodes["orders-3"].State.AppliedIndex}, circuits: {string.Join(", ", nodes["orders-3"].State.Circuits.Values.Select(c => $"{c.Name} {(c.IsOpen ? "open" : "closed")}"))}, leases held: {nodes["orders-3"].State.Leases.Count}");
await Task.WhenAll(hosts.Values.Select(h => h.StopAsync()));

// Free ports of 127.0.0.1 for the members, below the system's ephemeral range (32768 and up on Linux), where a port
// bound to 0 (each node's command forwarder) is never handed out; each stays bound until all are chosen.
static int[] FreePorts(int count)
{
    var taken = new List<TcpListener>();
    for (int port = 17_400; taken.Count < count && port < 32_768; port++)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            taken.Add(listener);
        }
        catch (SocketException)
        {
            listener.Dispose();
        }
    }

    int[] ports = [.. taken.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
    taken.ForEach(l => l.Dispose());
    return ports;
}

static async Task WaitAsync(Func<bool> condition)
{
    for (int i = 0; i < 1000 && !condition(); i++)
    {
        await Task.Delay(10);
    }

    if (!condition())
    {
        throw new TimeoutException("The cluster did not reach the expected state within 10 seconds.");
    }
}
