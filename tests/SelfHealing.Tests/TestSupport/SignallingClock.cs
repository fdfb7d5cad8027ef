using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace SelfHealing.Tests.TestSupport;

/// <summary>
/// A fake clock that tells when the code under test starts waiting on it: every timer created (a <c>Task.Delay</c>, a
/// <c>WaitAsync</c> with a timeout, a periodic timer) releases one count, so a test moves the clock only once the code
/// waits on it, instead of sleeping real milliseconds and hoping the code got there.
/// </summary>
internal sealed class SignallingClock : TimeProvider, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _timers = new(0);
    private readonly ConcurrentQueue<DateTimeOffset> _dues = new();

    public SignallingClock(DateTimeOffset start) => Fake = new FakeTimeProvider(start);

    /// <summary>Gets the fake clock underneath (the one to hand to helpers that take a <see cref="FakeTimeProvider"/>).</summary>
    public FakeTimeProvider Fake { get; }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    /// <inheritdoc />
    public override long TimestampFrequency => Fake.TimestampFrequency;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => Fake.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = Fake.CreateTimer(callback, state, dueTime, period);
        _dues.Enqueue(dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : Fake.GetUtcNow() + dueTime);
        _timers.Release();
        return timer;
    }

    /// <summary>
    /// Waits (bounded) until one more timer has been created since the last wait, and gives the moment it is due; or
    /// <see langword="null"/> when <paramref name="unless"/> completes first (the code under test finished instead).
    /// </summary>
    /// <exception cref="TimeoutException">No timer within 10 s.</exception>
    public async Task<DateTimeOffset?> NextTimerAsync(Task? unless = null)
    {
        using var cancel = new CancellationTokenSource();
        Task<bool> created = _timers.WaitAsync(Bound, cancel.Token);
        if (unless is not null && await Task.WhenAny(created, unless) == unless && !created.IsCompleted)
        {
            await cancel.CancelAsync();
            try
            {
                if (await created)
                {
                    _timers.Release(); // taken after all: left for the next wait
                }
            }
            catch (OperationCanceledException)
            {
            }

            return null;
        }

        if (!await created)
        {
            throw new TimeoutException($"Nothing started waiting on the clock within {Bound.TotalSeconds:0} s.");
        }

        _dues.TryDequeue(out DateTimeOffset due);
        return due;
    }

    /// <summary>Waits until the code under test waits on the clock, then moves the clock by <paramref name="by"/>.</summary>
    public async Task AdvanceWhenWaitedOnAsync(TimeSpan by)
    {
        await NextTimerAsync();
        Fake.Advance(by);
    }

    /// <summary>
    /// Waits until the code under test waits on the clock, then moves the clock to when that timer is due; returns
    /// <see langword="false"/> (without moving it) when <paramref name="unless"/> completes first.
    /// </summary>
    public async Task<bool> AdvanceToNextTimerAsync(Task? unless = null)
    {
        if (await NextTimerAsync(unless) is not { } due)
        {
            return false;
        }

        if (due != DateTimeOffset.MaxValue && due > Fake.GetUtcNow())
        {
            Fake.Advance(due - Fake.GetUtcNow());
        }

        return true;
    }

    public void Dispose() => _timers.Dispose();
}
