namespace SelfHealing.Timing;

/// <summary>
/// Counts work that can go on without the clock moving (an event being handled, a run between two waits) and tells
/// when there is none: what is left waits on the clock, or on other work. A component's background work enters it when
/// it starts, waits through <see cref="WhileParkedAsync"/> and exits when it ends. Tests on a fake clock move the clock
/// only once <see cref="NextIdle"/> says nothing can happen before it moves, instead of sleeping real time.
/// </summary>
internal sealed class WorkGauge
{
    private int _busy;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets whether some work is going on now.</summary>
    public bool IsBusy => Volatile.Read(ref _busy) > 0;

    /// <summary>Gets a task that completes the next time the count of work going on falls to zero.</summary>
    public Task NextIdle => Volatile.Read(ref _idle).Task;

    /// <summary>Counts one more piece of work going on.</summary>
    public void Enter() => Interlocked.Increment(ref _busy);

    /// <summary>Counts one piece of work fewer; at zero, <see cref="NextIdle"/> completes.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _busy) == 0)
        {
            Interlocked.Exchange(ref _idle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>
    /// Waits for <paramref name="wait"/> (a delay on the clock, another run) without counting as work meanwhile; the
    /// work counts again from the moment <paramref name="wait"/> completes, on the thread that completes it (a fake
    /// clock's <c>Advance</c>), so the gauge is never idle between the wake-up and the resumed work.
    /// </summary>
    /// <param name="wait">What to wait for.</param>
    /// <returns>A task that completes (or fails) as <paramref name="wait"/> does.</returns>
    public async Task WhileParkedAsync(Task wait)
    {
        Task resumed = wait.ContinueWith(static (_, gauge) => ((WorkGauge)gauge!).Enter(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Exit();
        await resumed.ConfigureAwait(false);
        await wait.ConfigureAwait(false);
    }

    /// <inheritdoc cref="WhileParkedAsync(Task)"/>
    public async Task<T> WhileParkedAsync<T>(Task<T> wait)
    {
        await WhileParkedAsync((Task)wait).ConfigureAwait(false);
        return await wait.ConfigureAwait(false);
    }
}
