namespace SelfHealing.Telemetry;

/// <summary>
/// Lets one repeated log line through at most once per interval and counts the ones held back, so that the next line
/// can say how many there were: a situation that repeats thousands of times a second logs a line a minute, not a flood.
/// Thread-safe and allocation-free.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly long _intervalTicks = Math.Max(1, (long)(interval.TotalSeconds * time.TimestampFrequency));
    private long _next = long.MinValue;
    private long _held;

    /// <summary>The interval of the library's throttled log lines.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Says whether this occurrence is logged; when it is, <paramref name="held"/> is the number of occurrences held back
    /// since the last line.
    /// </summary>
    public bool TryEnter(out long held)
    {
        long now = time.GetTimestamp();
        long next = Volatile.Read(ref _next);
        if (now >= next && Interlocked.CompareExchange(ref _next, now + _intervalTicks, next) == next)
        {
            held = Interlocked.Exchange(ref _held, 0);
            return true;
        }

        Interlocked.Increment(ref _held);
        held = 0;
        return false;
    }
}
