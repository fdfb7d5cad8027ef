namespace SelfHealing.Health;

/// <summary>Options of the process component that <c>AddProcessHealth</c> declares.</summary>
public sealed class ProcessHealthOptions
{
    /// <summary>Gets or sets the component's name.</summary>
    /// <value>Default <c>process</c>; letters, digits, '-', '_', '.' and '/'.</value>
    public string Component { get; set; } = "process";

    /// <summary>Gets or sets how often the values are measured and reported.</summary>
    /// <value>Default 1 second; allowed 100 milliseconds to 1 hour.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    internal void ThrowIfInvalid()
    {
        var errors = new OptionErrors(string.Empty);
        errors.ComponentName(nameof(Component), Component);

        errors.Range(nameof(Interval), Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        errors.ThrowIfAny("configure");
    }
}
