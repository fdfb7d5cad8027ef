using Microsoft.Extensions.DependencyInjection;
using SelfHealing.CircuitBreakers;
using SelfHealing.Supervision;

namespace SelfHealing.Samples.Supervision;

/// <summary>
/// Pushes stock levels to the warehouse every 100 ms through the <c>warehouse</c> breaker. It is declared with
/// <c>PauseWhileOpen("warehouse")</c>: while the circuit is open it is paused, not left hammering the breaker.
/// </summary>
public sealed class InventorySync([FromKeyedServices("warehouse")] CircuitBreaker breaker, Warehouse warehouse) : ISupervisedWorker
{
    public async Task RunAsync(WorkerContext context, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await breaker.ExecuteAsync(static (w, ct) => w.SyncAsync(ct), warehouse, stoppingToken);
            await Task.Delay(100, stoppingToken);
        }
    }
}

/// <summary>A warehouse API that is down between two moments of the run.</summary>
public sealed class Warehouse(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public TimeSpan DownFrom { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan DownUntil { get; init; } = TimeSpan.FromSeconds(2.6);

    private int _syncs;

    public int Syncs => Volatile.Read(ref _syncs);

    public ValueTask<bool> SyncAsync(CancellationToken cancellationToken)
    {
        TimeSpan now = time.GetElapsedTime(_started);
        if (now >= DownFrom && now < DownUntil)
        {
            throw new HttpRequestException("warehouse API: 503 Service Unavailable");
        }

        Interlocked.Increment(ref _syncs);
        return ValueTask.FromResult(true);
    }
}
