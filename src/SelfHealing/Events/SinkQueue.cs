using System.Threading.Channels;
using SelfHealing.Telemetry;

namespace SelfHealing.Events;

/// <summary>
/// Delivers notifications (alerts, incident updates) to one pluggable sink from its own bounded queue and loop,
/// so a slow or failing sink delays or loses only its own notifications: a full queue drops its oldest item, a
/// sink that throws loses that item; both are reported to the owner's callbacks (which log them), at most once a minute
/// each, with the number held back since the last report.
/// </summary>
/// <typeparam name="T">The notification.</typeparam>
internal sealed class SinkQueue<T>
{
    private const int Capacity = 1024;
    private readonly Func<T, CancellationToken, ValueTask> _deliver;
    private readonly Action<Exception, T, long> _failed;
    private readonly Action<T, long> _dropped;
    private readonly LogThrottle _failures;
    private readonly LogThrottle _drops;
    private readonly Channel<T> _queue;
    private CancellationToken _stopping;

    /// <param name="deliver">Sends one notification to the sink.</param>
    /// <param name="failed">Told when the sink threw for a notification, with the failures held back since the last call.</param>
    /// <param name="dropped">Told when the queue was full and dropped a notification, with the drops held back since the last call.</param>
    /// <param name="time">The clock of the once-a-minute reports.</param>
    public SinkQueue(Func<T, CancellationToken, ValueTask> deliver, Action<Exception, T, long> failed, Action<T, long> dropped, TimeProvider time)
    {
        _deliver = deliver;
        _failed = failed;
        _dropped = dropped;
        _failures = new LogThrottle(time, LogThrottle.DefaultInterval);
        _drops = new LogThrottle(time, LogThrottle.DefaultInterval);
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            item =>
            {
                if (_drops.TryEnter(out long held))
                {
                    _dropped(item, held);
                }
            });
    }

    public Task Loop { get; private set; } = Task.CompletedTask;

    public void Start() => Loop = Task.Run(RunAsync);

    public void Offer(T item) => _queue.Writer.TryWrite(item);

    /// <summary>Stops taking items; the loop delivers what is queued, unless <paramref name="stopping"/> fires first.</summary>
    public Task CompleteAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        _queue.Writer.TryComplete();
        return Loop;
    }

    private async Task RunAsync()
    {
        await foreach (T item in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            CancellationToken stopping = _stopping; // none until the owner stops
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _deliver(item, stopping).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing sink loses its item, reported; the other sinks and the owner go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (_failures.TryEnter(out long held))
                {
                    _failed(ex, item, held);
                }
            }
        }
    }
}
