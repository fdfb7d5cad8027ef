using SelfHealing.Configuration;

namespace SelfHealing.Tests.Configuration;

public sealed class ParameterDefinitionTests
{
    private static readonly ParameterDefinition Pool = ParameterDefinition.Integer("Orders:PoolSize", 10, minimum: 2, maximum: 100, step: 2, maxChange: 10);

    [Theory]
    [InlineData(12L, null)]
    [InlineData("14", null)]
    [InlineData(0L, "0 is below the minimum 2")]
    [InlineData(102L, "102 is above the maximum 100")]
    [InlineData(13L, "13 is not on a step of 2 from 2")]
    [InlineData("ten", "'ten' is not a integer")]
    [InlineData(12.5, "12.5 (Double) is not a integer")]
    public void An_integer_is_checked_against_its_bounds_and_step(object value, string? problem) =>
        Pool.Check(value, out _).Should().Be(problem);

    [Fact]
    public void Every_type_parses_its_invariant_text_and_applies_its_constraints()
    {
        ParameterDefinition.Boolean("A", false).Check("true", out object? flag).Should().BeNull();
        flag.Should().Be(true);
        var timeout = ParameterDefinition.Duration("Timeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        timeout.Check("00:00:02", out object? two).Should().BeNull();
        two.Should().Be(TimeSpan.FromSeconds(2));
        timeout.Check(TimeSpan.FromMinutes(2), out _).Should().Be("00:02:00 is above the maximum 00:01:00");
        var mode = ParameterDefinition.String("Mode", "fast", ["fast", "safe"]);
        mode.Check("slow", out _).Should().Be("'slow' is not one of fast, safe");
        var ratio = ParameterDefinition.Float("Ratio", 0.5, 0, 1, validate: v => v == 0.3 ? "0.3 is known to deadlock" : null);
        ratio.Check(0.3, out _).Should().Be("0.3 is known to deadlock");
        ratio.Check(double.NaN, out _).Should().Be("NaN (Double) is not a float");
        ParameterDefinition.Format(TimeSpan.FromSeconds(90)).Should().Be("00:01:30");
    }

    [Fact]
    public void A_definition_that_does_not_hold_together_is_refused_naming_each_problem()
    {
        Action inverted = () => ParameterDefinition.Integer("P", 5, minimum: 10, maximum: 1, step: 0);
        inverted.Should().Throw<ArgumentException>().WithMessage("The parameter P is invalid: its minimum 10 is above its maximum 1; its step 0 is not positive.*");
        Action badDefault = () => ParameterDefinition.String("Mode", "slow", ["fast"]);
        badDefault.Should().Throw<ArgumentException>().WithMessage("The parameter Mode is invalid: its default: 'slow' is not one of fast.*");
    }

    [Fact]
    public void A_change_larger_than_the_limit_moves_the_value_by_the_limit_on_a_step()
    {
        Pool.Limit(10L, 60L).Should().Be(20L);
        Pool.Limit(60L, 10L).Should().Be(50L);
        Pool.Limit(10L, 16L).Should().Be(16L);
        var odd = ParameterDefinition.Integer("Odd", 3, minimum: 1, maximum: 99, step: 2, maxChange: 5);
        odd.Limit(3L, 99L).Should().Be(7L, "3 + 5 = 8 is not on a step: the last step within the limit");
    }
}
