using System.Diagnostics;
using SelfHealing.CircuitBreakers;
using SelfHealing.Metrics;

namespace SelfHealing.Samples.Demo;

/// <summary>
/// Two copies of one small service side by side, fed the same traffic: half the requests browse (local work), half
/// check out (a call to a payment gateway). Each copy serves at most <see cref="Slots"/> requests at once, as a thread
/// or connection pool would. When the gateway slows down, the copy without a breaker fills its slots with waiting
/// checkouts and browsing fails too: the slowdown cascades. The copy with a breaker times the calls out, opens the
/// circuit and answers checkouts with a fallback ("payment pending"), so browsing never notices.
/// </summary>
public sealed class CascadeLab : IDisposable
{
    public const int Slots = 16;
    public const string BreakerName = "lab-payment-gateway";
    private const int RequestsPerSecond = 100;
    private readonly ServiceCopy _protected;
    private readonly ServiceCopy _unprotected;
    private long _gatewayLatency;

    public CascadeLab(IMetricsCollector metrics)
    {
        _protected = new ServiceCopy("protected", this, metrics);
        _unprotected = new ServiceCopy("unprotected", this, metrics);
    }

    public TimeSpan GatewayLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _gatewayLatency));
        set => Interlocked.Exchange(ref _gatewayLatency, value.Ticks);
    }

    public ServiceCopy Protected => _protected;

    public ServiceCopy Unprotected => _unprotected;

    public void Dispose()
    {
        _protected.Dispose();
        _unprotected.Dispose();
    }

    /// <summary>Sends the same traffic to both copies until cancelled.</summary>
    public async Task RunAsync(CircuitBreaker breaker, CancellationToken cancellationToken)
    {
        _protected.Breaker = breaker;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        long sequence = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                bool checkout = sequence++ % 2 == 0;
                _ = _protected.ServeAsync(checkout, cancellationToken);
                _ = _unprotected.ServeAsync(checkout, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the scenario ended
        }
    }

    private async Task CallGatewayAsync(CancellationToken cancellationToken)
    {
        TimeSpan latency = GatewayLatency;
        await Task.Delay(latency > TimeSpan.Zero ? latency : TimeSpan.FromMilliseconds(2), cancellationToken);
    }

    public sealed class ServiceCopy : IDisposable
    {
        private readonly CascadeLab _lab;
        private readonly SemaphoreSlim _slots = new(Slots, Slots);
        private readonly MetricCounter _served;
        private readonly MetricCounter _failed;
        private long _servedCount;
        private long _failedCount;

        internal ServiceCopy(string name, CascadeLab lab, IMetricsCollector metrics)
        {
            Name = name;
            _lab = lab;
            _served = metrics.Counter($"lab.{name}.served");
            _failed = metrics.Counter($"lab.{name}.failed");
        }

        public string Name { get; }

        public void Dispose() => _slots.Dispose();

        internal CircuitBreaker? Breaker { get; set; }

        /// <summary>Counts served and failed so far (a scenario takes the difference over its fault).</summary>
        public (long Served, long Failed) Counts => (Interlocked.Read(ref _servedCount), Interlocked.Read(ref _failedCount));

        internal async Task ServeAsync(bool checkout, CancellationToken cancellationToken)
        {
            bool ok = false;
            try
            {
                // A request that waits more than 50 ms for a slot is turned away, as an overloaded server would.
                if (await _slots.WaitAsync(TimeSpan.FromMilliseconds(50), cancellationToken))
                {
                    try
                    {
                        ok = !checkout || await CheckoutAsync(cancellationToken);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            (ok ? _served : _failed).Add(1);
            Interlocked.Increment(ref ok ? ref _servedCount : ref _failedCount);
        }

        private async Task<bool> CheckoutAsync(CancellationToken cancellationToken)
        {
            if (Breaker is null)
            {
                await _lab.CallGatewayAsync(cancellationToken); // no breaker, no timeout: it waits as long as the gateway does
                return true;
            }

            // Through the breaker, bounded by its timeout; a failed or rejected call is answered by the fallback
            // ("payment pending, we will email you"), so the request is served either way.
            await Breaker.ExecuteAsync(static async (lab, ct) => { await lab.CallGatewayAsync(ct); return true; }, _lab, cancellationToken);
            return true;
        }
    }
}
