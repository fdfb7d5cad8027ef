namespace SelfHealing.Dashboard;

/// <summary>
/// Options of the dashboard (<c>SelfHealing:Dashboard</c>). Who may see the page and use its actions is not an option:
/// the page answers local requests only until the app calls <c>RequireAuthorization(...)</c> on what
/// <c>MapSelfHealingDashboard</c> returns, and actions need <see cref="ActionsPolicy"/> once it does.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>Gets or sets the page's title.</summary>
    /// <value>Default <c>SelfHealing</c>; 1 to 100 characters.</value>
    public string Title { get; set; } = "SelfHealing";

    /// <summary>
    /// Gets or sets the authorization policy the operator actions (isolate or reset a breaker, approve a recovery, roll
    /// back the configuration) require. Without it, actions are allowed only while the dashboard is local-only, and only
    /// to local requests; once the app authorizes the dashboard, actions without a policy are refused.
    /// </summary>
    /// <value>Default <see langword="null"/>; a policy name registered with the app's authorization.</value>
    public string? ActionsPolicy { get; set; }

    /// <summary>Gets or sets a value indicating whether the dashboard only shows: every action is refused.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool ReadOnly { get; set; }

    /// <summary>Gets or sets how often an open page refreshes the ratios and charts that change without an event.</summary>
    /// <value>Default 1 second; allowed 100 milliseconds to 1 minute.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many recent transitions are kept per breaker.</summary>
    /// <value>Default 20; allowed 1 to 1,000.</value>
    public int TransitionsPerBreaker { get; set; } = 20;

    /// <summary>Gets or sets how many optimizer generations the convergence chart keeps.</summary>
    /// <value>Default 1,000; allowed 10 to 100,000.</value>
    public int GenerationHistory { get; set; } = 1000;

    /// <summary>Gets or sets how many recent events the page's feed keeps.</summary>
    /// <value>Default 200; allowed 0 to 10,000.</value>
    public int EventHistory { get; set; } = 200;

    /// <summary>Gets or sets how many closed incidents the page shows, newest first.</summary>
    /// <value>Default 50; allowed 0 to 1,000.</value>
    public int ClosedIncidents { get; set; } = 50;
}
