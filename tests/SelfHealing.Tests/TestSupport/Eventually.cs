namespace SelfHealing.Tests.TestSupport;

/// <summary>Waits, in real time and bounded, for a condition other threads will make true (no fake clock moves).</summary>
internal static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        condition().Should().BeTrue("the condition should hold within 10 seconds");
    }
}
