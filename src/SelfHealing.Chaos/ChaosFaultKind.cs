namespace SelfHealing.Chaos;

/// <summary>What a <see cref="ChaosFault"/> does.</summary>
public enum ChaosFaultKind
{
    /// <summary>Calls to the target throw a <see cref="ChaosException"/>.</summary>
    Exception = 0,

    /// <summary>
    /// Calls to the target return an error result: a real <see cref="System.Net.Http.HttpResponseMessage"/> with
    /// <see cref="ChaosFault.StatusCode"/> when the call returns one (the SelfHealing.Http handler's breakers), otherwise a
    /// <see cref="ChaosException"/> carrying the status code.
    /// </summary>
    ErrorResult = 1,

    /// <summary>Calls to the target are delayed by <see cref="ChaosFault.Latency"/> before they run.</summary>
    Latency = 2,

    /// <summary>Calls to the target hang until their token is cancelled (the breaker's timeout) or the fault stops.</summary>
    Timeout = 3,

    /// <summary>
    /// The target is dead: every call throws a <see cref="ChaosException"/> until the fault stops or the target is
    /// restarted (by the recovery manager's Restart strategy or by <see cref="ChaosInjector.Restarted"/>).
    /// </summary>
    ComponentDown = 4,

    /// <summary>The process holds <see cref="ChaosFault.Bytes"/> more managed memory, reached over <see cref="ChaosFault.Ramp"/>.</summary>
    MemoryGrowth = 5,

    /// <summary><see cref="ChaosFault.Threads"/> threads spin at full speed.</summary>
    CpuBurn = 6,

    /// <summary><see cref="ChaosFault.Threads"/> thread-pool work items block, so other work waits for a thread.</summary>
    ThreadPoolStarvation = 7,

    /// <summary>
    /// Calls to the target slow down gradually: the delay grows from zero to <see cref="ChaosFault.Latency"/> over
    /// <see cref="ChaosFault.Ramp"/>, then stays there.
    /// </summary>
    GradualSlowdown = 8,
}
