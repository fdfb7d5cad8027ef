using System.Diagnostics;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;
using SelfHealing.Health;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>
/// A service of 14 components and the process they run in: seven dependencies (a database, a cache, two downstream
/// APIs, a queue, a search index, an auth server) and seven parts of the app that call them (inventory, orders,
/// checkout, shipping, catalog, two queue workers). Each component is reached through a breaker of its name; a part
/// fails when a dependency it needs fails (the cache and the search index have fallbacks), so a dependency's failure
/// cascades to its dependents unless a breaker contains it. Each component has a probe: the error rate and mean latency
/// of the calls that reached it since the last probe, and one call of its own (a ping).
/// </summary>
internal sealed class SimulatedService
{
    public const string Host = "host";

    private static readonly (string Name, string[] Needs, string[] Optional)[] Topology =
    [
        ("database", [], []),
        ("cache", [], []),
        ("payments-api", [], []),
        ("shipping-api", [], []),
        ("queue", [], []),
        ("search", [], []),
        ("auth", [], []),
        ("inventory", ["database"], ["cache"]),
        ("orders", ["database", "queue", "payments-api", "inventory"], []),
        ("checkout", ["orders", "auth", "payments-api"], []),
        ("shipping", ["shipping-api", "queue"], []),
        ("catalog", ["database"], ["search", "cache"]),
        ("email-worker", ["queue"], []),
        ("billing-worker", ["queue", "database"], []),
    ];

    /// <summary>Where the load enters, with its share of the calls.</summary>
    public static readonly (string Name, double Share)[] Entries =
    [
        ("checkout", 0.25), ("catalog", 0.25), ("shipping", 0.15), ("email-worker", 0.15), ("billing-worker", 0.10), ("inventory", 0.10),
    ];

    private readonly Dictionary<string, Component> _components = new(StringComparer.Ordinal);

    public SimulatedService(double backgroundErrorRate, int seed)
    {
        foreach ((string name, _, _) in Topology)
        {
            _components[name] = new Component(name, backgroundErrorRate, seed ^ name.GetHashCode(StringComparison.Ordinal));
        }

        foreach ((string name, string[] needs, string[] optional) in Topology)
        {
            _components[name].Needs = [.. needs.Select(n => _components[n])];
            _components[name].Optional = [.. optional.Select(n => _components[n])];
        }
    }

    public static IEnumerable<string> Leaves => Topology.Where(t => t.Needs.Length == 0 && t.Optional.Length == 0).Select(t => t.Name);

    public static IEnumerable<string> Names => Topology.Select(t => t.Name);

    public static IEnumerable<string> Dependencies(string name)
    {
        (_, string[] needs, string[] optional) = Topology.Single(t => t.Name == name);
        return needs.Concat(optional);
    }

    /// <summary>The components whose trouble a fault on <paramref name="target"/> explains: itself and everything that needs it.</summary>
    public static HashSet<string> Affected(string target)
    {
        if (target == Host)
        {
            return [.. Names, Host];
        }

        var affected = new HashSet<string>(StringComparer.Ordinal) { target };
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach ((string name, string[] needs, string[] optional) in Topology)
            {
                if (!affected.Contains(name) && needs.Concat(optional).Any(affected.Contains))
                {
                    grew |= affected.Add(name);
                }
            }
        }

        return affected;
    }

    /// <summary>Connects the components to their breakers and the injector, once the host is built.</summary>
    public void Connect(CircuitBreakerRegistry breakers, ChaosInjector chaos)
    {
        foreach (Component component in _components.Values)
        {
            component.Breaker = breakers.GetOrCreate(component.Name);
            component.Chaos = chaos;
        }
    }

    /// <summary>One call of the app, entering at <paramref name="entry"/>.</summary>
    public ValueTask<bool> CallAsync(string entry) => _components[entry].CallAsync(CancellationToken.None);

    public ValueTask<HealthMetrics> ProbeAsync(string name, CancellationToken cancellationToken) => _components[name].ProbeAsync(cancellationToken);

    /// <summary>Restarts a component: its client starts afresh, closing its circuit (the injector ends the faults a restart cures).</summary>
    public ValueTask RestartAsync(string name)
    {
        _components[name].Breaker.Reset();
        return ValueTask.CompletedTask;
    }

    private sealed class Component(string name, double backgroundErrorRate, int seed)
    {
        private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(300);
        private readonly Random _random = new(seed);
        private long _calls;
        private long _failures;
        private long _latencyTicks;

        public string Name { get; } = name;

        public Component[] Needs { get; set; } = [];

        public Component[] Optional { get; set; } = [];

        public CircuitBreaker Breaker { get; set; } = null!;

        public ChaosInjector Chaos { get; set; } = null!;

        // A call through the breaker; what reached the component counts for its health, a rejection does not.
        public async ValueTask<bool> CallAsync(CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            CircuitBreakerResult<int> result = await Breaker.ExecuteAsync(static (c, ct) => c.WorkAsync(ct), this, cancellationToken).ConfigureAwait(false);
            if (result.Status != CircuitBreakerResultStatus.Rejected)
            {
                Count(started, result.Status == CircuitBreakerResultStatus.Success);
            }

            return result.Status == CircuitBreakerResultStatus.Success;
        }

        public async ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken)
        {
            // The ping: the component's own work, with the faults on it, bounded like a health check.
            long started = Stopwatch.GetTimestamp();
            bool ok;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(PingTimeout);
                try
                {
                    await Chaos.InjectAsync(Name, timeout.Token).ConfigureAwait(false);
                    await WorkAsync(timeout.Token).ConfigureAwait(false);
                    ok = true;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    ok = false;
                }
            }

            Count(started, ok);
            long calls = Interlocked.Exchange(ref _calls, 0);
            long failures = Interlocked.Exchange(ref _failures, 0);
            long ticks = Interlocked.Exchange(ref _latencyTicks, 0);
            return new HealthMetrics
            {
                ErrorRate = (double)failures / calls,
                ResponseTime = TimeSpan.FromTicks((long)(ticks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency) / calls)),
                Throughput = calls,
            };
        }

        private void Count(long started, bool ok)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _latencyTicks, Stopwatch.GetTimestamp() - started);
            if (!ok)
            {
                Interlocked.Increment(ref _failures);
            }
        }

        private ValueTask<int> WorkAsync(CancellationToken cancellationToken)
        {
            if (Needs.Length == 0 && Optional.Length == 0)
            {
                return BackgroundError() ? ValueTask.FromException<int>(new InvalidOperationException($"{Name}: a rare failure")) : new ValueTask<int>(1);
            }

            return CallDependenciesAsync(cancellationToken);
        }

        private async ValueTask<int> CallDependenciesAsync(CancellationToken cancellationToken)
        {
            foreach (Component needed in Needs)
            {
                if (!await needed.CallAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"{Name}: {needed.Name} failed");
                }
            }

            foreach (Component optional in Optional)
            {
                await optional.CallAsync(cancellationToken).ConfigureAwait(false); // a fallback answers when it fails
            }

            if (BackgroundError())
            {
                throw new InvalidOperationException($"{Name}: a rare failure");
            }

            return 1;
        }

        private bool BackgroundError()
        {
            if (backgroundErrorRate <= 0)
            {
                return false;
            }

            lock (_random)
            {
                return _random.NextDouble() < backgroundErrorRate;
            }
        }

        public override string ToString() => Name;
    }
}
