namespace SelfHealing.Samples.Supervision;

/// <summary>
/// An append-only log of orders, read by offset like a Kafka partition. Order 7 hits a network glitch the first
/// time it is handled: the consumer crashes on it once.
/// </summary>
public sealed class OrderLog
{
    private readonly List<int> _orders = [];
    private readonly List<int> _handled = [];
    private int _glitches = 1;

    public int Count
    {
        get
        {
            lock (_orders)
            {
                return _orders.Count;
            }
        }
    }

    /// <summary>Every order handled, in order, with repeats if any were handled twice.</summary>
    public IReadOnlyList<int> Handled
    {
        get
        {
            lock (_handled)
            {
                return [.. _handled];
            }
        }
    }

    public void Publish(int order)
    {
        lock (_orders)
        {
            _orders.Add(order);
        }
    }

    /// <summary>Waits for the order at <paramref name="offset"/>.</summary>
    public async Task<int> ReadAsync(long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_orders)
            {
                if (offset < _orders.Count)
                {
                    return _orders[(int)offset];
                }
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public void Handle(int order)
    {
        if (order == 7 && Interlocked.Exchange(ref _glitches, 0) == 1)
        {
            throw new IOException($"connection reset by the payment gateway while handling order {order}");
        }

        lock (_handled)
        {
            _handled.Add(order);
        }
    }
}
