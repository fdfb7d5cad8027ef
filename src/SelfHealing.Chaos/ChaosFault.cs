using System.Globalization;

namespace SelfHealing.Chaos;

/// <summary>
/// One fault to inject: its kind, the breaker or component it targets, and how hard it hits. Build one with the static
/// methods (<see cref="Exception(string)"/>, <see cref="Delay(string, TimeSpan)"/>, ...) and adjust it with
/// <see langword="with"/>, or bind it from configuration (<c>SelfHealing:Chaos:Faults</c>).
/// </summary>
public sealed record ChaosFault
{
    /// <summary>Gets what the fault does.</summary>
    public ChaosFaultKind Kind { get; init; }

    /// <summary>
    /// Gets the breaker (for call faults) or component the fault targets; for process faults (memory, CPU, thread
    /// pool), the component said to suffer them, so a validation run knows which one should be diagnosed.
    /// </summary>
    public string Target { get; init; } = string.Empty;

    /// <summary>Gets the share of calls the fault affects.</summary>
    /// <value>From 0 to 1; default 1 (every call).</value>
    public double InjectionRate { get; init; } = 1;

    /// <summary>Gets how long the fault lasts before it stops on its own; <see langword="null"/> until stopped.</summary>
    /// <value>Greater than zero, at most a day; default <see langword="null"/>.</value>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets the delay of <see cref="ChaosFaultKind.Latency"/>, and the delay <see cref="ChaosFaultKind.GradualSlowdown"/> reaches.</summary>
    /// <value>From zero to 10 minutes; default 1 second.</value>
    public TimeSpan Latency { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how long <see cref="ChaosFaultKind.GradualSlowdown"/> and <see cref="ChaosFaultKind.MemoryGrowth"/> take to reach their full effect.</summary>
    /// <value>From zero (at once) to a day; default 10 seconds.</value>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the status code of <see cref="ChaosFaultKind.ErrorResult"/>.</summary>
    /// <value>From 400 to 599; default 503.</value>
    public int StatusCode { get; init; } = 503;

    /// <summary>Gets the memory <see cref="ChaosFaultKind.MemoryGrowth"/> holds at its peak, in bytes.</summary>
    /// <value>From 1 MiB to 16 GiB; default 64 MiB.</value>
    public long Bytes { get; init; } = 64L << 20;

    /// <summary>Gets the spinning threads of <see cref="ChaosFaultKind.CpuBurn"/> or the blocked work items of <see cref="ChaosFaultKind.ThreadPoolStarvation"/>.</summary>
    /// <value>From 1 to 1,024; default 1.</value>
    public int Threads { get; init; } = 1;

    /// <summary>Gets whether the fault acts on calls (rather than on the process).</summary>
    public bool ActsOnCalls => Kind is ChaosFaultKind.Exception or ChaosFaultKind.ErrorResult or ChaosFaultKind.Latency
        or ChaosFaultKind.Timeout or ChaosFaultKind.ComponentDown or ChaosFaultKind.GradualSlowdown;

    /// <summary>Calls to <paramref name="target"/> throw.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault Exception(string target) => new() { Kind = ChaosFaultKind.Exception, Target = target };

    /// <summary>Calls to <paramref name="target"/> return an error result with <paramref name="statusCode"/>.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <param name="statusCode">The status code, 400 to 599.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault ErrorResult(string target, int statusCode = 503) => new() { Kind = ChaosFaultKind.ErrorResult, Target = target, StatusCode = statusCode };

    /// <summary>Calls to <paramref name="target"/> are delayed by <paramref name="latency"/>.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <param name="latency">The delay.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault Delay(string target, TimeSpan latency) => new() { Kind = ChaosFaultKind.Latency, Target = target, Latency = latency };

    /// <summary>Calls to <paramref name="target"/> hang until cancelled.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault Timeout(string target) => new() { Kind = ChaosFaultKind.Timeout, Target = target };

    /// <summary><paramref name="target"/> dies and stays down until it is restarted.</summary>
    /// <param name="target">The breaker and healable component's name.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault ComponentDown(string target) => new() { Kind = ChaosFaultKind.ComponentDown, Target = target };

    /// <summary>The process holds <paramref name="bytes"/> more memory, reached over <see cref="Ramp"/>.</summary>
    /// <param name="target">The component said to suffer it.</param>
    /// <param name="bytes">The memory held at the peak.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault MemoryGrowth(string target, long bytes) => new() { Kind = ChaosFaultKind.MemoryGrowth, Target = target, Bytes = bytes };

    /// <summary><paramref name="threads"/> threads spin.</summary>
    /// <param name="target">The component said to suffer it.</param>
    /// <param name="threads">The number of spinning threads.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault CpuBurn(string target, int threads = 1) => new() { Kind = ChaosFaultKind.CpuBurn, Target = target, Threads = threads };

    /// <summary><paramref name="workItems"/> thread-pool work items block.</summary>
    /// <param name="target">The component said to suffer it.</param>
    /// <param name="workItems">The number of blocked work items.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault ThreadPoolStarvation(string target, int workItems) => new() { Kind = ChaosFaultKind.ThreadPoolStarvation, Target = target, Threads = workItems };

    /// <summary>Calls to <paramref name="target"/> slow down from no delay to <paramref name="latency"/> over <paramref name="ramp"/>.</summary>
    /// <param name="target">The breaker's name.</param>
    /// <param name="latency">The delay reached.</param>
    /// <param name="ramp">How long it takes to reach it.</param>
    /// <returns>The fault.</returns>
    public static ChaosFault GradualSlowdown(string target, TimeSpan latency, TimeSpan ramp) =>
        new() { Kind = ChaosFaultKind.GradualSlowdown, Target = target, Latency = latency, Ramp = ramp };

    /// <summary>Describes the fault in a line: its kind, target and what matters for its kind.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string detail = Kind switch
        {
            ChaosFaultKind.ErrorResult => $" {StatusCode}",
            ChaosFaultKind.Latency => $" {Latency.TotalMilliseconds:0} ms",
            ChaosFaultKind.GradualSlowdown => $" to {Latency.TotalMilliseconds:0} ms over {Ramp.TotalSeconds:0.#} s",
            ChaosFaultKind.MemoryGrowth => $" {Bytes >> 20} MiB",
            ChaosFaultKind.CpuBurn or ChaosFaultKind.ThreadPoolStarvation => $" x{Threads}",
            _ => string.Empty,
        };
        string rate = InjectionRate < 1 && ActsOnCalls ? $", {InjectionRate:P0} of calls" : string.Empty;
        string duration = Duration is { } d ? $", {d.TotalSeconds:0.###} s" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{Kind}{detail} on {Target}{rate}{duration}");
    }

    /// <summary>Checks every property; the messages name the key, the value and the allowed range.</summary>
    internal void Check(OptionErrors errors)
    {
        errors.Defined(nameof(Kind), Kind);
        errors.ComponentName(nameof(Target), Target);

        errors.Range(nameof(InjectionRate), InjectionRate, 0, 1);
        if (Duration is { } duration)
        {
            errors.Range(nameof(Duration), duration, TimeSpan.FromTicks(1), TimeSpan.FromDays(1));
        }

        errors.Range(nameof(Latency), Latency, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        errors.Range(nameof(Ramp), Ramp, TimeSpan.Zero, TimeSpan.FromDays(1));
        errors.Range(nameof(StatusCode), StatusCode, 400, 599);
        if (Bytes is < 1L << 20 or > 16L << 30)
        {
            errors.Add(nameof(Bytes), Bytes, "1048576 (1 MiB) to 17179869184 (16 GiB)");
        }

        errors.Range(nameof(Threads), Threads, 1, 1024);
    }
}
