using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Coordination.Tests.TestSupport;

/// <summary>
/// A cluster of real Generic Hosts in this process, each a SelfHealing node on its own free port of 127.0.0.1, with the
/// events each node's hub saw. Nodes can be stopped and started again (with the same port and log directory).
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly Action<string, CoordinationOptions>? _configure;
    private readonly Action<string, ISelfHealingBuilder>? _build;
    private readonly string? _logRoot;

    private ClusterHarness(Dictionary<string, string> members, Action<string, CoordinationOptions>? configure, Action<string, ISelfHealingBuilder>? build, string? logRoot)
    {
        Members = members;
        _configure = configure;
        _build = build;
        _logRoot = logRoot;
    }

    public Dictionary<string, string> Members { get; }

    public ConcurrentDictionary<string, ClusterNode> Nodes { get; } = new(StringComparer.Ordinal);

    public IEnumerable<ClusterNode> Running => Nodes.Values.Where(n => n.Running);

    public static async Task<ClusterHarness> StartAsync(int count, Action<string, CoordinationOptions>? configure = null, Action<string, ISelfHealingBuilder>? build = null, string? logRoot = null)
    {
        int[] ports = LoopbackPorts.Take(count);
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            members[$"node-{(char)('a' + i)}"] = $"127.0.0.1:{ports[i]}";
        }

        var harness = new ClusterHarness(members, configure, build, logRoot);
        await Task.WhenAll(members.Keys.Select(harness.StartNodeAsync));
        return harness;
    }

    public async Task<ClusterNode> StartNodeAsync(string id)
    {
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services =>
            {
                ISelfHealingBuilder builder = services.AddSelfHealing();
                _build?.Invoke(id, builder);
                builder.UseCoordination(o =>
                {
                    o.NodeId = id;
                    foreach ((string member, string endpoint) in Members)
                    {
                        o.Members[member] = endpoint;
                    }

                    // Generous for a 2-core machine that runs the other test projects at the same time: a starved
                    // node must not miss heartbeats and start needless elections, nor a command time out.
                    o.ElectionTimeoutMin = TimeSpan.FromMilliseconds(300);
                    o.ElectionTimeoutMax = TimeSpan.FromMilliseconds(600);
                    o.RequestTimeout = TimeSpan.FromSeconds(1); // these tests are about what is decided, not how fast a paused leader is replaced
                    o.CommandTimeout = TimeSpan.FromSeconds(10);
                    o.HeartbeatEventInterval = TimeSpan.Zero;
                    o.LogDirectory = _logRoot is null ? null : Path.Combine(_logRoot, id);
                    _configure?.Invoke(id, o);
                });
            })
            .Build();
        var node = new ClusterNode(id, host);
        Nodes[id] = node;
        await host.StartAsync();
        node.Running = true;
        return node;
    }

    public static async Task StopNodeAsync(ClusterNode node)
    {
        node.Running = false;
        await node.Host.StopAsync();
        node.Dispose();
    }

    /// <summary>
    /// Runs a cluster-wide action again while the cluster refuses it, or cannot tell whether it was applied (an election
    /// under way, as on a starved machine: a leader that steps down mid-command answers unknown), as callers are told
    /// to; the actions used in tests give the same result when applied twice.
    /// </summary>
    public static async Task<T> AcceptedAsync<T>(Func<Task<T>> action)
    {
        DateTime deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (ex is ClusterUnavailableException or ClusterOutcomeUnknownException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <inheritdoc cref="AcceptedAsync{T}(Func{Task{T}})"/>
    public static Task AcceptedAsync(Func<Task> action) => AcceptedAsync(async () =>
    {
        await action();
        return true;
    });

    /// <summary>Waits until every running node follows the same leader, and returns it.</summary>
    public async Task<ClusterNode> LeaderAsync()
    {
        ClusterNode[] running = [.. Running];
        await Eventually.UntilAsync(
            () => running.All(n => n.Coordinator.LeaderId is not null && n.Coordinator.HasQuorum)
                && running.Select(n => n.Coordinator.LeaderId).Distinct().Count() == 1
                && Nodes.TryGetValue(running[0].Coordinator.LeaderId!, out ClusterNode? l) && l.Running,
            Bound,
            "every running node should follow the same leader");
        return Nodes[running[0].Coordinator.LeaderId!];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ClusterNode node in Running.ToList())
        {
            await StopNodeAsync(node);
        }
    }
}

/// <summary>One node: its host, its coordinator and SelfHealing parts, and every event its hub published.</summary>
internal sealed class ClusterNode : IDisposable
{
    private readonly EventSubscription _subscription;

    public ClusterNode(string id, IHost host)
    {
        Id = id;
        Host = host;
        Coordinator = host.Services.GetRequiredService<ClusterCoordinator>();
        Breakers = host.Services.GetRequiredService<CircuitBreakerRegistry>();
        Configuration = host.Services.GetRequiredService<AdaptiveConfigManager>();
        _subscription = host.Services.GetRequiredService<IEventHub>().Subscribe("test");
        _ = Task.Run(async () =>
        {
            await foreach (SelfHealingEvent e in _subscription.Reader.ReadAllAsync())
            {
                Events.Enqueue(e);
            }
        });
    }

    public string Id { get; }

    public IHost Host { get; }

    public ClusterCoordinator Coordinator { get; }

    public CircuitBreakerRegistry Breakers { get; }

    public AdaptiveConfigManager Configuration { get; }

    public ConcurrentQueue<SelfHealingEvent> Events { get; } = new();

    public bool Running { get; set; }

    public IEnumerable<T> Seen<T>() => Events.OfType<T>();

    public void Dispose()
    {
        _subscription.Dispose();
        Host.Dispose();
    }
}
