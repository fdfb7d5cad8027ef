using SelfHealing.Chaos;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>
/// A seeded random sequence of faults, one at a time: each kind in turn order drawn at random, a target that suits the
/// kind, a strength and a duration drawn at random; a dead component has no duration (a restart ends it). A quiet gap
/// of 1.5 to 2.5 s follows each fault's end.
/// </summary>
internal sealed class FaultSchedule(int seed, IReadOnlyCollection<ChaosFaultKind>? only = null)
{
    private readonly ChaosFaultKind[] _kinds = only is { Count: > 0 } ? [.. only] : Enum.GetValues<ChaosFaultKind>();
    private static readonly string[] Leaves = [.. SimulatedService.Leaves];
    private static readonly string[] Components = [.. SimulatedService.Names];
    private static readonly string[] Apis = ["payments-api", "shipping-api"];
    private readonly Random _random = new(seed);
    private readonly Queue<ChaosFaultKind> _bag = new();

    /// <summary>The next fault and the quiet gap before it.</summary>
    public (ChaosFault Fault, TimeSpan GapBefore) Next()
    {
        if (_bag.Count == 0)
        {
            // Every kind once per round, in a random order, so every kind is in any long enough schedule.
            foreach (ChaosFaultKind kind in _kinds.OrderBy(_ => _random.Next()))
            {
                _bag.Enqueue(kind);
            }
        }

        ChaosFaultKind next = _bag.Dequeue();
        TimeSpan duration = Seconds(1, 2.5);
        ChaosFault fault = next switch
        {
            ChaosFaultKind.Exception => ChaosFault.Exception(Pick(Components)) with { InjectionRate = Between(0.5, 1), Duration = duration },
            ChaosFaultKind.ErrorResult => ChaosFault.ErrorResult(Pick(Apis), Pick([500, 502, 503])) with { InjectionRate = Between(0.5, 1), Duration = duration },
            ChaosFaultKind.Latency => ChaosFault.Delay(Pick(Components), Seconds(0.15, 0.25)) with { Duration = duration },
            ChaosFaultKind.Timeout => ChaosFault.Timeout(Pick(Leaves)) with { Duration = duration },
            ChaosFaultKind.ComponentDown => ChaosFault.ComponentDown(Pick(Components)),
            ChaosFaultKind.GradualSlowdown => ChaosFault.GradualSlowdown(Pick(Leaves), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(2)) with { Duration = Seconds(3, 4) },
            ChaosFaultKind.MemoryGrowth => ChaosFault.MemoryGrowth(SimulatedService.Host, (long)Between(256, 512) << 20) with { Ramp = TimeSpan.FromSeconds(1), Duration = Seconds(2.5, 3.5) },
            ChaosFaultKind.CpuBurn => ChaosFault.CpuBurn(SimulatedService.Host, Environment.ProcessorCount) with { Duration = Seconds(2.5, 3.5) },
            ChaosFaultKind.ThreadPoolStarvation => ChaosFault.ThreadPoolStarvation(SimulatedService.Host, Environment.ProcessorCount * 8) with { Duration = Seconds(2.5, 3.5) },
            _ => throw new InvalidOperationException($"No schedule for {next}."),
        };
        return (fault, Seconds(1.5, 2.5));
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private double Between(double low, double high) => low + (_random.NextDouble() * (high - low));

    private TimeSpan Seconds(double low, double high) => TimeSpan.FromSeconds(Math.Round(Between(low, high), 2));
}
