namespace SelfHealing.Events;

/// <summary>
/// Options of the <see cref="EventHub"/>, bound from the <c>SelfHealing:Events</c> configuration section.
/// </summary>
public sealed class EventHubOptions
{
    /// <summary>Default of <see cref="BestEffortCapacity"/>.</summary>
    public const int DefaultBestEffortCapacity = 1024;

    /// <summary>Default of <see cref="PriorityCapacity"/>.</summary>
    public const int DefaultPriorityCapacity = 16_384;

    /// <summary>
    /// Gets or sets how many best-effort events a subscriber may have waiting before the oldest is dropped.
    /// </summary>
    /// <value>Default 1024; allowed 1 to 1,048,576.</value>
    public int BestEffortCapacity { get; set; } = DefaultBestEffortCapacity;

    /// <summary>
    /// Gets or sets how many priority events a subscriber may have waiting. Past that a new priority event
    /// is not queued for that subscriber, and the drop is logged as an error and counted.
    /// </summary>
    /// <value>Default 16,384; allowed 1 to 1,048,576.</value>
    public int PriorityCapacity { get; set; } = DefaultPriorityCapacity;
}
