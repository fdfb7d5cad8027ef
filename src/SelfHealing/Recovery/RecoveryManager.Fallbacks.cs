using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Recovery;

/// <summary>
/// Fallbacks that recovery switched on are a stopgap: after <see cref="RecoveryOptions.FallbackReturnAfter"/> the manager
/// switches the fallback off and verifies the component; if it does not work yet, the fallback goes back on and the next
/// try waits twice as long.
/// </summary>
public sealed partial class RecoveryManager
{
    private readonly ConcurrentDictionary<string, Task> _fallbacks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _fallbackTrials = new(StringComparer.Ordinal);

    /// <summary>Gets the components running on a fallback that recovery switched on and has not switched off yet.</summary>
    public IReadOnlyList<string> ActiveFallbacks => [.. _fallbacks.Keys.Order(StringComparer.Ordinal)];

    // Called when a run recovered the component by switching its fallback on; returns the timeline note.
    private string FallbackStaysOn(HealableTarget target)
    {
        TimeSpan after = Options.FallbackReturnAfter;
        if (after <= TimeSpan.Zero)
        {
            _fallbacks.TryAdd(target.Name, Task.CompletedTask);
            return $"the fallback of {target.Name} stays on until someone switches it off";
        }

        // Under the lock, not AddOrUpdate: its factory may run twice under contention, and each call starts a loop.
        lock (_gate)
        {
            if (!_fallbacks.ContainsKey(target.Name))
            {
                _work.Enter();
                _fallbacks[target.Name] = ReturnFromFallbackAsync(target, after);
            }
        }

        return $"the fallback of {target.Name} stays on; {target.Name} is tried without it after {after}";
    }

    private async Task ReturnFromFallbackAsync(HealableTarget target, TimeSpan wait)
    {
        await Task.Yield(); // the caller's run goes on
        CancellationToken stopping = _stopping.Token;
        try
        {
            while (true)
            {
                await _work.WhileParkedAsync(Task.Delay(wait, _time, stopping)).ConfigureAwait(false);
                RecoveryOptions options = Options;
                bool busy;
                lock (_gate)
                {
                    busy = _runs.ContainsKey(target.Name) || _open.ContainsKey(target.Name);
                }

                if (busy || !options.AutomaticRecovery)
                {
                    continue; // a recovery is under way, or automation is switched off: try at the next turn
                }

                _fallbackTrials[target.Name] = 0;
                try
                {
                    await using AsyncServiceScope scope = _services.CreateAsyncScope(); // a scope per trial, like a run's
                    IHealableComponent component = target.In(scope.ServiceProvider).Component;
                    await component.SetFallbackAsync(false, stopping).ConfigureAwait(false);
                    if (await _engine.VerifyAsync(target.Name, options, stopping).ConfigureAwait(false))
                    {
                        LogFallbackOff(_logger, target.Name);
                        return;
                    }

                    await component.SetFallbackAsync(true, stopping).ConfigureAwait(false);
                }
                finally
                {
                    _fallbackTrials.TryRemove(target.Name, out _);
                }

                wait = wait * 2 < TimeSpan.FromDays(1) ? wait * 2 : TimeSpan.FromDays(1);
                LogFallbackKept(_logger, target.Name, wait);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the fallback stays as it is.
        }
#pragma warning disable CA1031 // A component that throws while switching its fallback keeps it as it is; logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFallbackReturnFailed(_logger, ex, target.Name);
            return;
        }
        finally
        {
            if (!stopping.IsCancellationRequested)
            {
                _fallbacks.TryRemove(target.Name, out _);
            }

            _work.Exit();
        }
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "{Component} works without its fallback again; the fallback is off")]
    private static partial void LogFallbackOff(ILogger logger, string component);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "{Component} does not work without its fallback yet; the fallback is back on and the next try is in {Wait}")]
    private static partial void LogFallbackKept(ILogger logger, string component, TimeSpan wait);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Error, Message = "Switching the fallback of {Component} failed; the fallback is left as it is")]
    private static partial void LogFallbackReturnFailed(ILogger logger, Exception exception, string component);
}
