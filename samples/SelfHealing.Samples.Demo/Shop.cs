using System.Diagnostics;
using SelfHealing.CircuitBreakers;
using SelfHealing.Health;

namespace SelfHealing.Samples.Demo;

/// <summary>
/// A simulated online shop of ten components: five dependencies (a database, a cache, two downstream APIs, a queue) and
/// the services built on them. Every call to a component goes through its circuit breaker; a component fails when one
/// of the components it needs fails, so a fault cascades to its dependents unless a breaker contains it.
/// </summary>
public sealed class Shop
{
    /// <summary>Each component and the components it needs.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Needs)> Layout =
    [
        ("database", []),
        ("cache", []),
        ("payment-gateway", []),
        ("shipping-api", []),
        ("queue", []),
        ("catalog", ["database", "cache"]),
        ("payments", ["payment-gateway", "database"]),
        ("shipping", ["shipping-api", "queue"]),
        ("orders", ["payments", "shipping", "database"]),
        ("storefront", ["catalog", "orders"]),
    ];

    private readonly Dictionary<string, Part> _parts;

    public Shop()
    {
        _parts = Layout.ToDictionary(c => c.Name, c => new Part(c.Name), StringComparer.Ordinal);
        foreach ((string name, string[] needs) in Layout)
        {
            _parts[name].Needs = [.. needs.Select(n => _parts[n])];
        }
    }

    public Part this[string name] => _parts[name];

    public IEnumerable<Part> Parts => _parts.Values;

    /// <summary>Gives every component its breaker (once the app is built).</summary>
    public void Connect(CircuitBreakerRegistry breakers)
    {
        foreach (Part part in _parts.Values)
        {
            part.Breaker = breakers.GetOrCreate(part.Name);
        }
    }

    /// <summary>One request to the storefront.</summary>
    public ValueTask<bool> ServeAsync(CancellationToken cancellationToken) => _parts["storefront"].CallAsync(cancellationToken);

    /// <summary>What the recovery manager's restart does: after a second and a half, the component is back up, its added latency gone.</summary>
    public async ValueTask RestartAsync(string name, CancellationToken cancellationToken)
    {
        Part part = _parts[name];
        await Task.Delay(RestartTime, cancellationToken);
        part.Down = false;
        part.Latency = TimeSpan.Zero;
        Interlocked.Increment(ref part.RestartCount);
    }

    public static readonly TimeSpan RestartTime = TimeSpan.FromSeconds(1.5);

    public void Heal()
    {
        foreach (Part part in _parts.Values)
        {
            part.Down = false;
            part.Latency = TimeSpan.Zero;
        }
    }

    public sealed class Part(string name)
    {
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(300);
        private long _calls;
        private long _failures;
        private long _latencyTicks;
        private volatile bool _down;
        private long _latency;

        internal int RestartCount;

        public string Name { get; } = name;

        public Part[] Needs { get; internal set; } = [];

        public CircuitBreaker Breaker { get; internal set; } = null!;

        /// <summary>Gets or sets a value indicating whether the component fails every call until it is restarted.</summary>
        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        /// <summary>Gets or sets the latency added to each call.</summary>
        public TimeSpan Latency
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _latency));
            set => Interlocked.Exchange(ref _latency, value.Ticks);
        }

        public int Restarts => Volatile.Read(ref RestartCount);

        /// <summary>A call through the breaker; a rejected call does not reach the component and does not count for its health.</summary>
        public async ValueTask<bool> CallAsync(CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            CircuitBreakerResult<int> result = await Breaker.ExecuteAsync(static (p, ct) => p.WorkAsync(ct), this, cancellationToken);
            if (result.Status != CircuitBreakerResultStatus.Rejected)
            {
                Count(started, result.Status == CircuitBreakerResultStatus.Success);
            }

            return result.Status == CircuitBreakerResultStatus.Success;
        }

        /// <summary>The health probe: the component's own work, bounded, with what its callers saw since the last probe.</summary>
        public async ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            bool ok;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(ProbeTimeout);
                try
                {
                    await WorkAsync(timeout.Token);
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
                ResponseTime = Stopwatch.GetElapsedTime(0, ticks / calls),
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

        private async ValueTask<int> WorkAsync(CancellationToken cancellationToken)
        {
            if (_down)
            {
                throw new InvalidOperationException($"{Name} is down");
            }

            TimeSpan latency = Latency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, cancellationToken);
            }

            foreach (Part need in Needs)
            {
                if (!await need.CallAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"{Name}: {need.Name} failed");
                }
            }

            return 1;
        }
    }
}
