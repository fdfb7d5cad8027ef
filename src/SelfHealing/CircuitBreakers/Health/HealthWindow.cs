namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// A sliding window of call outcomes. Recording is lock-free and allocation-free; reads are approximate
/// while writers run and exact when they are quiet.
/// </summary>
internal abstract class HealthWindow : IDisposable
{
    /// <summary>Called with (calls, failures) when a bucket (or a full count window) completes; feeds the adaptive baseline.</summary>
    public Action<long, long>? BucketCompleted { get; set; }

    /// <summary>Records one outcome, now.</summary>
    public abstract void Record(bool failure, bool slow);

    /// <summary>Reads the counts of the window that ends now.</summary>
    public abstract WindowCounts Read();

    /// <summary>Forgets every outcome.</summary>
    public abstract void Reset();

    /// <summary>Adds counts carried over from another window (used when options change the window's shape).</summary>
    public abstract void Seed(WindowCounts counts);

    /// <summary>Returns true when this window has the shape the settings ask for, so it can be kept on reload.</summary>
    public abstract bool HasShape(CircuitBreakerSettings settings);

    /// <summary>Releases the window's timer, if it has one.</summary>
    public abstract void Dispose();

    public static HealthWindow Create(CircuitBreakerSettings settings, TimeProvider time) => settings.WindowKind == SlidingWindowKind.CountBased
        ? new CountWindow(settings.WindowSize)
        : new TimeBucketWindow(settings.BucketCount, settings.BucketTicks, time);
}
