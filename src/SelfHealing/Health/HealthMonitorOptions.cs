namespace SelfHealing.Health;

/// <summary>Options of the <see cref="HealthMonitor"/>, bound from <c>SelfHealing:Health</c>.</summary>
public sealed class HealthMonitorOptions
{
    /// <summary>Gets or sets how often each component is checked, unless <see cref="Intervals"/> names it.</summary>
    /// <value>Default 10 seconds; allowed 100 milliseconds to 1 hour.</value>
    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the interval of particular components, by name.</summary>
    /// <value>Default empty; each allowed 100 milliseconds to 1 hour, and each name must be a known component.</value>
    public IDictionary<string, TimeSpan> Intervals { get; private set; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many outcomes in a row at a worse level move a health check or probe there.</summary>
    /// <value>Default 2; allowed 1 to 100.</value>
    public int OutcomesToWorsen { get; set; } = 2;

    /// <summary>Gets or sets how many outcomes in a row at a better level bring a health check or probe back.</summary>
    /// <value>Default 2; allowed 1 to 100.</value>
    public int OutcomesToRecover { get; set; } = 2;

    /// <summary>Gets the components declared beyond the health check registrations, with their thresholds, metrics and dependencies.</summary>
    public IDictionary<string, HealthComponentOptions> Components { get; private set; } = new Dictionary<string, HealthComponentOptions>(StringComparer.Ordinal);

    /// <summary>Gets or sets how long a probe may run before its run counts as failed.</summary>
    /// <value>Default 5 seconds; allowed 10 milliseconds to 10 minutes.</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many samples of each component the monitor keeps (its history).</summary>
    /// <value>Default 120; allowed 10 to 100,000, and at least <see cref="PredictionSamples"/>.</value>
    public int HistorySize { get; set; } = 120;

    /// <summary>
    /// Gets or sets how far ahead the monitor forecasts each thresholded metric: when the recent trend reaches a
    /// worse level within this horizon, a predictive alert is raised. <see cref="TimeSpan.Zero"/> turns prediction off.
    /// </summary>
    /// <value>Default 5 minutes; allowed zero to 1 day.</value>
    public TimeSpan PredictionHorizon { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many recent samples of a metric its forecast is fitted on (it starts once half of them exist).</summary>
    /// <value>Default 30; allowed 8 to 1,000.</value>
    public int PredictionSamples { get; set; } = 30;

    /// <summary>
    /// Gets or sets how often each metric's forecast is refreshed at most: a reading that comes sooner after the
    /// last forecast of its metric does not forecast it again. <see cref="TimeSpan.Zero"/> forecasts on every reading.
    /// </summary>
    /// <value>Default 10 seconds; allowed zero to 1 hour.</value>
    public TimeSpan PredictionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether the monitor watches every health check the app registered. When <see langword="false"/>
    /// it watches only SelfHealing's own checks (the breakers') and the components declared with
    /// <c>AddHealthComponent</c> or in configuration (a declared name that is a health check's is still run).
    /// </summary>
    /// <value>Default <see langword="true"/>: each check runs every <see cref="DefaultInterval"/> in the background.</value>
    public bool WatchHealthChecks { get; set; } = true;

    /// <summary>Gets or sets whether each component's view is registered as its own health check, <c>selfhealing-health:{name}</c>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ExposeComponentChecks { get; set; } = true;

    /// <summary>Gets or sets whether alerts are written to the log (the default sink, beside any added with <c>AddHealthAlertSink</c>).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool LogAlerts { get; set; } = true;

    internal HealthMonitorOptions Copy()
    {
        var copy = (HealthMonitorOptions)MemberwiseClone();
        copy.Intervals = new Dictionary<string, TimeSpan>(Intervals, StringComparer.Ordinal);
        copy.Components = Components.ToDictionary(c => c.Key, c => c.Value.Copy(), StringComparer.Ordinal);
        return copy;
    }
}
