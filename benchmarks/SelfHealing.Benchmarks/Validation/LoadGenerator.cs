using System.Diagnostics;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>Calls the simulated service at a steady rate, spread over its entries by their shares, from one paced loop.</summary>
internal sealed class LoadGenerator(SimulatedService service, double callsPerSecond, int maxInFlight = 50_000)
{
    private readonly string[] _pattern = Pattern();
    private long _issued;
    private long _succeeded;
    private long _failed;
    private long _shed;
    private long _inFlight;

    public long Issued => Interlocked.Read(ref _issued);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public long Shed => Interlocked.Read(ref _shed);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        long started = Stopwatch.GetTimestamp();
        long due = 0;
        int next = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long target = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * callsPerSecond);
                for (; due < target; due++)
                {
                    if (Interlocked.Read(ref _inFlight) >= maxInFlight)
                    {
                        Interlocked.Increment(ref _shed);
                        continue;
                    }

                    Interlocked.Increment(ref _issued);
                    ValueTask<bool> call = service.CallAsync(_pattern[next]);
                    next = (next + 1) % _pattern.Length;
                    if (call.IsCompletedSuccessfully)
                    {
                        Interlocked.Increment(ref call.Result ? ref _succeeded : ref _failed);
                    }
                    else
                    {
                        Interlocked.Increment(ref _inFlight);
                        _ = TrackAsync(call);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task TrackAsync(ValueTask<bool> call)
    {
        bool ok;
        try
        {
            ok = await call.ConfigureAwait(false);
        }
        catch (Exception)
        {
            ok = false;
        }

        Interlocked.Increment(ref ok ? ref _succeeded : ref _failed);
        Interlocked.Decrement(ref _inFlight);
    }

    // The entries in a fixed order of 20 calls that gives each its share.
    private static string[] Pattern()
    {
        var pattern = new List<string>();
        foreach ((string name, double share) in SimulatedService.Entries)
        {
            pattern.AddRange(Enumerable.Repeat(name, (int)Math.Round(share * 20)));
        }

        // Interleave, so the entries alternate instead of coming in runs.
        return [.. pattern.Select((name, i) => (name, key: (i * 7) % pattern.Count)).OrderBy(x => x.key).Select(x => x.name)];
    }
}
