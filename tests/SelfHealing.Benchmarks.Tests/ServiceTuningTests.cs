using SelfHealing.Benchmarks.Optimization;
using SelfHealing.Optimization;

namespace SelfHealing.Benchmarks.Tests;

/// <summary>The live-tuning harness behind the <c>optimizer</c> command's service table, on a few generations.</summary>
public sealed class ServiceTuningTests
{
    [Fact]
    public async Task The_harness_scores_the_promoted_configuration_against_the_optimum_and_counts_regret_over_time_served()
    {
        ServiceTuning.Run tuned = await ServiceTuning.RunAsync(new TestsService(), seed: 1, generations: 4, afterChange: 3, bar: 0.95, OptimizerEngine.Auto, randomSearch: false);
        ServiceTuning.Run random = await ServiceTuning.RunAsync(new TestsService(), seed: 1, generations: 4, afterChange: 0, bar: 0.95, OptimizerEngine.Genetic, randomSearch: true);

        tuned.Gap.Should().HaveCount(4).And.OnlyContain(g => g <= 1, "nothing beats the grid optimum by more than the grid's spacing");
        tuned.Gap[^1].Should().BeGreaterThan(0.5, "four generations from the defaults close most of the gap");
        tuned.Regret.Should().BeGreaterThan(0).And.BeLessThan(random.Regret, "candidates near what runs cost less than random ones");
        random.Reconverged.Should().BeNull("no workload change was asked for");
    }

    [Fact]
    public async Task A_seeded_run_repeats_exactly()
    {
        ServiceTuning.Run first = await ServiceTuning.RunAsync(new CheckoutService(), seed: 2, generations: 3, afterChange: 0, bar: 0.95, OptimizerEngine.Auto, randomSearch: false);
        ServiceTuning.Run second = await ServiceTuning.RunAsync(new CheckoutService(), seed: 2, generations: 3, afterChange: 0, bar: 0.95, OptimizerEngine.Auto, randomSearch: false);
        (second.Gap, second.Regret).Should().BeEquivalentTo((first.Gap, first.Regret));
    }
}
