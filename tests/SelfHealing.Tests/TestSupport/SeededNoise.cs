namespace SelfHealing.Tests.TestSupport;

/// <summary>Random numbers for generated test data, always from a seeded <see cref="Random"/>.</summary>
internal static class SeededNoise
{
    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static double Normal(this Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A uniform sample between <paramref name="low"/> and <paramref name="high"/>.</summary>
    public static double Between(this Random random, double low, double high) => low + ((high - low) * random.NextDouble());
}
