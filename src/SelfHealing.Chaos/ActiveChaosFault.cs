namespace SelfHealing.Chaos;

/// <summary>A fault being injected, as <see cref="ChaosInjector.Start"/> returns it. Dispose it (or call <see cref="Stop"/>) to end it.</summary>
public sealed class ActiveChaosFault : IDisposable
{
    private readonly ChaosInjector _injector;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ActiveChaosFault(ChaosInjector injector, string id, ChaosFault fault, DateTimeOffset startedAt, long startedTimestamp)
    {
        _injector = injector;
        Id = id;
        Fault = fault;
        StartedAt = startedAt;
        StartedTimestamp = startedTimestamp;
    }

    /// <summary>Gets the fault's id, unique in the process (as in the hub's <see cref="ChaosFaultStarted"/>).</summary>
    public string Id { get; }

    /// <summary>Gets the fault.</summary>
    public ChaosFault Fault { get; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets when it stopped; <see langword="null"/> while it is active.</summary>
    public DateTimeOffset? StoppedAt { get; private set; }

    /// <summary>Gets why it stopped; <see langword="null"/> while it is active.</summary>
    public ChaosStopReason? StopReason { get; private set; }

    /// <summary>Gets whether it is still being injected.</summary>
    public bool IsActive => StopReason is null;

    /// <summary>Gets a task that completes when the fault stops.</summary>
    public Task Completion => _stopped.Task;

    internal long StartedTimestamp { get; }

    /// <summary>Gets or sets what the fault runs in the background (memory held, spinning threads, blocked work items).</summary>
    internal IDisposable? Work { get; set; }

    /// <summary>Gets or sets the timer that ends a fault with a duration.</summary>
    internal ITimer? Expiry { get; set; }

    /// <summary>Stops the fault; nothing happens when it has stopped already.</summary>
    /// <returns><see langword="true"/> when this call stopped it.</returns>
    public bool Stop() => _injector.Stop(this, ChaosStopReason.Stopped);

    /// <summary>Stops the fault.</summary>
    public void Dispose() => Stop();

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Fault}";

    // Called by the injector under its lock, once.
    internal void MarkStopped(DateTimeOffset at, ChaosStopReason reason)
    {
        StoppedAt = at;
        StopReason = reason;
    }

    internal void Expire() => _injector.Expire(this);

    internal void Release()
    {
        Expiry?.Dispose();
        Work?.Dispose();
        _stopped.TrySetResult();
    }
}
