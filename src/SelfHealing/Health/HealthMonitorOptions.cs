namespace SelfHealing.Health;

/// <summary>Options of the <see cref="HealthMonitor"/>, bound from <c>SelfHealing:Health</c>.</summary>
public sealed class HealthMonitorOptions
{
    /// <summary>Gets or sets how often each health check runs, unless <see cref="Intervals"/> names it.</summary>
    /// <value>Default 10 seconds; allowed 100 milliseconds to 1 hour.</value>
    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the interval of particular checks, by registration name.</summary>
    /// <value>Default empty; each allowed 100 milliseconds to 1 hour.</value>
    public IDictionary<string, TimeSpan> Intervals { get; private set; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many outcomes in a row at a worse level move a component there.</summary>
    /// <value>Default 2; allowed 1 to 100.</value>
    public int OutcomesToWorsen { get; set; } = 2;

    /// <summary>Gets or sets how many outcomes in a row at a better level bring a component back.</summary>
    /// <value>Default 2; allowed 1 to 100.</value>
    public int OutcomesToRecover { get; set; } = 2;

    internal HealthMonitorOptions Copy()
    {
        var copy = (HealthMonitorOptions)MemberwiseClone();
        copy.Intervals = new Dictionary<string, TimeSpan>(Intervals, StringComparer.Ordinal);
        return copy;
    }
}
