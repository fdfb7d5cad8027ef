namespace SelfHealing.Samples.Console;

/// <summary>
/// An inventory service whose connection pool breaks 1.0 s after it is created and stays broken until the
/// service is restarted; a restart takes 1.5 s.
/// </summary>
public sealed class FlakyInventory(TimeProvider time)
{
    private readonly long _created = time.GetTimestamp();
    private int _served;
    private int _failed;
    private int _restarts;
    private volatile bool _broken;
    private volatile bool _brokeOnce;

    public int Served => _served;

    public int Failed => _failed;

    public int Restarts => _restarts;

    public async ValueTask<int> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken);
        if (IsBroken())
        {
            Interlocked.Increment(ref _failed);
            throw new HttpRequestException($"inventory unavailable for {sku}: its connection pool is broken");
        }

        Interlocked.Increment(ref _served);
        return 40 + (int)time.GetElapsedTime(_created).TotalSeconds;
    }

    /// <summary>Answers whether the service works, without counting as a call.</summary>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(1), time, cancellationToken);
        return !IsBroken();
    }

    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), time, cancellationToken);
        _broken = false;
        Interlocked.Increment(ref _restarts);
    }

    private bool IsBroken()
    {
        if (!_brokeOnce && time.GetElapsedTime(_created) >= TimeSpan.FromSeconds(1))
        {
            _brokeOnce = true;
            _broken = true;
        }

        return _broken;
    }
}
