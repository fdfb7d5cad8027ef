using Microsoft.Extensions.Time.Testing;

namespace SelfHealing.Tests.TestSupport;

/// <summary>
/// A fake clock that tells when the code under test starts waiting on it: every timer created to fire (a
/// <c>Task.Delay</c>, a <c>WaitAsync</c> with a timeout, a periodic timer) is noted with its due moment, so a test moves
/// the clock only once the code waits on it, and to when that wait ends, instead of sleeping real milliseconds and
/// hoping the code got there.
/// </summary>
internal sealed class SignallingClock : TimeProvider
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _dues = [];
    private long _created;
    private long _seen;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SignallingClock(DateTimeOffset start) => Fake = new FakeTimeProvider(start);

    /// <summary>Gets the fake clock underneath.</summary>
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
        // A timer created to fire is a wait on the clock; one created disarmed, to be set later with Change (a
        // component's own ticking clock), is not counted.
        ITimer timer = Fake.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            TaskCompletionSource created;
            lock (_gate)
            {
                _created++;
                _dues.Add(Fake.GetUtcNow() + dueTime);
                created = _next;
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            created.TrySetResult();
        }

        return timer;
    }

    /// <summary>
    /// Waits (bounded) until a timer has been created since the last call returned, and gives the earliest moment a
    /// timer created so far is due, among those still ahead (the one that fires first when the clock moves); or
    /// <see langword="null"/> when <paramref name="unless"/> completes first (the code under test finished instead).
    /// </summary>
    /// <exception cref="TimeoutException">Neither within 10 s.</exception>
    public async Task<DateTimeOffset?> NextTimerAsync(Task? unless = null)
    {
        using var stop = new CancellationTokenSource();
        while (true)
        {
            Task created;
            lock (_gate)
            {
                if (_created > _seen)
                {
                    _seen = _created;
                    DateTimeOffset now = Fake.GetUtcNow();
                    _dues.RemoveAll(d => d <= now);
                    return _dues.Count == 0 ? now : _dues.Min();
                }

                created = _next.Task;
            }

            Task bounded = created.WaitAsync(Bound, stop.Token);
            if (unless is not null && await Task.WhenAny(bounded, unless) == unless)
            {
                await stop.CancelAsync();
                return null;
            }

            try
            {
                await bounded;
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Nothing started waiting on the clock within {Bound.TotalSeconds:0} s.");
            }
        }
    }

    /// <summary>Waits until the code under test waits on the clock, then moves the clock by <paramref name="by"/>.</summary>
    public async Task AdvanceWhenWaitedOnAsync(TimeSpan by)
    {
        await NextTimerAsync();
        Fake.Advance(by);
    }

    /// <summary>
    /// Waits until the code under test waits on the clock, then moves the clock to when the earliest wait is due, in
    /// steps of at most <paramref name="step"/> (every periodic timer on the way fires at each of its beats); returns
    /// <see langword="false"/> (without moving it) when <paramref name="unless"/> completes first.
    /// </summary>
    public async Task<bool> AdvanceToNextTimerAsync(Task? unless = null, TimeSpan? step = null)
    {
        if (await NextTimerAsync(unless) is not { } due)
        {
            return false;
        }

        while (due > Fake.GetUtcNow())
        {
            TimeSpan left = due - Fake.GetUtcNow();
            Fake.Advance(step is { } most && most < left ? most : left);
        }

        return true;
    }
}
