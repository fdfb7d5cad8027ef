using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.Health;

/// <summary>How one bounded run in its own service scope ended.</summary>
/// <typeparam name="T">What the run returns.</typeparam>
/// <param name="Value">The run's value, when it ended in time.</param>
/// <param name="Error">What it threw, when it threw in time.</param>
/// <param name="TimedOut">Whether it did not end within the timeout (it goes on, its scope kept, until it ends).</param>
/// <param name="StillRunningFor">When an earlier run of the same key had not ended: for how long it has been running (no new run was started).</param>
internal readonly record struct ScopedOutcome<T>(T? Value, Exception? Error, bool TimedOut, TimeSpan? StillRunningFor);

/// <summary>
/// Runs work (a health check, a probe) in its own service scope with a timeout, keyed by what it runs. A run past its
/// timeout is cancelled and reported at once, but not abandoned: its scope is disposed only when it has really ended,
/// and until then the same key is not started again (the caller is told how long the earlier run has been going), so
/// a check that ignores cancellation never runs on a disposed scope and never piles up one instance per interval.
/// </summary>
internal sealed class ScopedRuns(IServiceScopeFactory scopes, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _overdue = new(StringComparer.Ordinal);

    public async Task<ScopedOutcome<T>> RunAsync<T>(
        string key,
        TimeSpan? timeout,
        Func<IServiceProvider, Func<CancellationToken, Task<T>>> prepare,
        CancellationToken cancellationToken)
    {
        if (_overdue.TryGetValue(key, out long since))
        {
            return new ScopedOutcome<T>(default, null, TimedOut: true, StillRunningFor: time.GetElapsedTime(since));
        }

        long started = time.GetTimestamp();
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<T> running;
        try
        {
            // Resolved at once (what it needs is known when the run starts); the work itself runs on the pool.
            Func<CancellationToken, Task<T>> work = prepare(scope.ServiceProvider);
            running = Task.Run(() => work(linked.Token), linked.Token);
        }
#pragma warning disable CA1031 // What resolving the work threw is the run's outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            linked.Dispose();
            await scope.DisposeAsync().ConfigureAwait(false);
            return new ScopedOutcome<T>(default, ex, false, null);
        }

        bool overdue = false;
        try
        {
            if (timeout is { } limit && limit > TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            {
                // The wait's own timer goes with it when the run ends first, so a run in time leaves nothing behind.
                await ((Task)running.WaitAsync(limit, time, cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!running.IsCompleted)
                {
                    // Past the timeout, or the caller stopped waiting: the run is told to stop and keeps its scope until it does.
                    overdue = true;
                    _overdue[key] = started;
                    await linked.CancelAsync().ConfigureAwait(false);
                    _ = FinishLateAsync(key, running, scope, linked);
                    cancellationToken.ThrowIfCancellationRequested();
                    return new ScopedOutcome<T>(default, null, TimedOut: true, StillRunningFor: null);
                }
            }

            return new ScopedOutcome<T>(await running.ConfigureAwait(false), null, false, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // What the run threw is its outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ScopedOutcome<T>(default, ex, false, null);
        }
        finally
        {
            if (!overdue)
            {
                linked.Dispose(); // the run has ended
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // The overdue run's scope lives until the run ends; then the key may run again.
    private async Task FinishLateAsync<T>(string key, Task<T> running, AsyncServiceScope scope, CancellationTokenSource linked)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Already reported as timed out; what it threw afterwards is not news.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            // The run has ended, so the key may run again; its scope goes next (whoever sees the scope gone also sees the key free).
            _overdue.TryRemove(key, out _);
            linked.Dispose();
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
