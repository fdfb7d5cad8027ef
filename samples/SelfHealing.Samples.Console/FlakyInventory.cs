namespace SelfHealing.Samples.Console;

/// <summary>An inventory service that is down from 1.0 s to 3.0 s after it is created.</summary>
public sealed class FlakyInventory(TimeProvider time)
{
    private readonly long _created = time.GetTimestamp();
    private int _served;
    private int _failed;

    public int Served => _served;

    public int Failed => _failed;

    public async ValueTask<int> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken);
        double seconds = time.GetElapsedTime(_created).TotalSeconds;
        if (seconds is >= 1.0 and < 3.0)
        {
            Interlocked.Increment(ref _failed);
            throw new HttpRequestException($"inventory unavailable for {sku}");
        }

        Interlocked.Increment(ref _served);
        return 40 + (int)seconds;
    }
}
