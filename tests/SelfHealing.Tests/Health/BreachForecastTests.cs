using SelfHealing.Health;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Health;

public sealed class BreachForecastTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly MetricThreshold Memory = new() { Degraded = 70, Critical = 85, Failed = 95 };

    private static List<(DateTimeOffset Time, double Value)> Ramp(int seconds, double start, double perSecond, Random random, double noise = 1) =>
        [.. Enumerable.Range(0, seconds).Select(i => (Start.AddSeconds(i), start + (perSecond * i) + (noise * random.Normal())))];

    [Fact]
    public void A_linear_ramp_is_predicted_before_it_breaches()
    {
        var random = new Random(7);

        // Memory at 40% rising 0.25 points a second: degraded at 70 in 120 s from the start.
        var history = Ramp(60, 40, 0.25, random);
        BreachForecast? forecast = BreachForecast.Predict(history, Memory, horizon: TimeSpan.FromMinutes(5));
        forecast.Should().NotBeNull();

        // The worst level within five minutes: failed at 95 is reached 220 s from the start, 161 s after the last sample.
        forecast!.Level.Should().Be(HealthLevel.Failed);
        forecast.Threshold.Should().Be(95);
        forecast.TimeUntil.TotalSeconds.Should().BeApproximately(161, 15);

        BreachForecast? soon = BreachForecast.Predict(history, Memory, horizon: TimeSpan.FromSeconds(90));
        soon!.Level.Should().Be(HealthLevel.Degraded, "only the degraded level is reached within 90 s");
        soon.TimeUntil.TotalSeconds.Should().BeApproximately(61, 10);

        // Every sample of the history itself is still healthy: the forecast comes before the breach.
        var tracker = new ThresholdTracker("memory", Memory);
        history.Select(s => tracker.Observe(s.Value)).Should().OnlyContain(level => level == HealthLevel.Healthy);
    }

    [Fact]
    public void Stable_receding_or_slow_series_predict_nothing()
    {
        var random = new Random(8);
        BreachForecast.Predict(Ramp(60, 50, 0, random), Memory, TimeSpan.FromHours(1)).Should().BeNull("stable");
        BreachForecast.Predict(Ramp(60, 60, -0.2, random), Memory, TimeSpan.FromHours(1)).Should().BeNull("falling memory is good news");
        BreachForecast.Predict(Ramp(60, 40, 0.01, random, noise: 0.1), Memory, TimeSpan.FromMinutes(10)).Should().BeNull("70 is 50 minutes away");
    }

    [Fact]
    public void Levels_already_reached_are_not_predicted_again()
    {
        var random = new Random(9);
        BreachForecast? forecast = BreachForecast.Predict(Ramp(60, 75, 0.1, random, noise: 0.2), Memory, TimeSpan.FromMinutes(10));
        forecast!.Level.Should().Be(HealthLevel.Failed, "degraded is already reached; critical and failed lie ahead");
        BreachForecast.Predict(Ramp(60, 96, 0.1, random, noise: 0.2), Memory, TimeSpan.FromMinutes(10)).Should().BeNull("already failed");
    }

    [Fact]
    public void Lower_is_worse_metrics_are_predicted_as_they_fall()
    {
        var random = new Random(10);
        var throughput = new MetricThreshold { Degraded = 500, Failed = 100, Direction = ThresholdDirection.LowerIsWorse };
        BreachForecast? forecast = BreachForecast.Predict(Ramp(120, 1000, -2, random, noise: 5), throughput, TimeSpan.FromMinutes(3));
        forecast!.Level.Should().Be(HealthLevel.Degraded);
        forecast.TimeUntil.TotalSeconds.Should().BeApproximately(250 - 119, 10);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Action horizon = () => BreachForecast.Predict([], Memory, TimeSpan.Zero);
        horizon.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("horizon");
        Action threshold = () => BreachForecast.Predict([], new MetricThreshold(), TimeSpan.FromMinutes(1));
        threshold.Should().Throw<ArgumentException>().WithParameterName("threshold");
    }
}
