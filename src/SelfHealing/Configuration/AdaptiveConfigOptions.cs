namespace SelfHealing.Configuration;

/// <summary>Options of the <see cref="AdaptiveConfigManager"/>, bound from <c>SelfHealing:Configuration</c>.</summary>
public sealed class AdaptiveConfigOptions
{
    /// <summary>Gets or sets how many versions are kept (for rollback, in memory and in the store).</summary>
    /// <value>Default 50; allowed 2 to 10,000.</value>
    public int HistorySize { get; set; } = 50;

    /// <summary>Gets or sets how long a guarded apply watches health and metrics by default.</summary>
    /// <value>Default 1 minute; allowed 1 second to 1 day.</value>
    public TimeSpan GuardWindow { get; set; } = TimeSpan.FromMinutes(1);
}
