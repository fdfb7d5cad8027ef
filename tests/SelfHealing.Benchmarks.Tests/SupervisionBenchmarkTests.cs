using SelfHealing.Benchmarks.Supervision;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>The supervision benchmark's parts on a small scale, so the command keeps working.</summary>
public sealed class SupervisionBenchmarkTests
{
    [Fact]
    public async Task A_killed_checkpointing_process_is_handed_its_last_acknowledged_offset_each_time()
    {
        KillFigures figures = await KillCycles.RunAsync(3).WaitAsync(TimeSpan.FromMinutes(2));
        (figures.Cycles, figures.Restored).Should().Be((3, 3));
    }

    [Fact]
    public async Task The_restart_loop_measures_every_restart()
    {
        RestartFigures figures = await RestartLoop.MeasureAsync(200, TimeSpan.Zero).WaitAsync(TimeSpan.FromMinutes(2));
        figures.Count.Should().Be(200);
        figures.GrowthRestarts.Should().Be(180);
        figures.P50Ms.Should().BePositive().And.BeLessThanOrEqualTo(figures.P99Ms);
        figures.P99Ms.Should().BeLessThanOrEqualTo(figures.MaxMs);
    }
}
