namespace SelfHealing.DependencyInjection;

/// <summary>SelfHealing's features that run in the background, added one by one on top of the core.</summary>
[Flags]
internal enum SelfHealingFeature
{
    Metrics = 1,
    Health = 2,
    Configuration = 4,
    Recovery = 8,
}

/// <summary>Which features an <c>IServiceCollection</c> has, so each is added once.</summary>
internal sealed class SelfHealingFeatures
{
    private SelfHealingFeature _on;

    /// <summary>Marks <paramref name="feature"/> on; false when it already was.</summary>
    public bool TurnOn(SelfHealingFeature feature)
    {
        if ((_on & feature) != 0)
        {
            return false;
        }

        _on |= feature;
        return true;
    }
}
