namespace SelfHealing.Tests.TestSupport;

/// <summary>Waits, in real time and bounded, for a condition other threads will make true (no fake clock moves).</summary>
internal static class Eventually
{
    public static Task UntilAsync(Func<bool> condition) => UntilAsync(condition, TimeSpan.FromSeconds(10));

    public static async Task UntilAsync(Func<bool> condition, TimeSpan within, string? what = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        condition().Should().BeTrue(what ?? $"the condition should hold within {within.TotalSeconds:0} seconds");
    }
}
