namespace SelfHealing.Sqlite;

/// <summary>Options of the <see cref="SqliteStateStore"/>, bound from <c>SelfHealing:Sqlite</c>.</summary>
public sealed class SqliteStateStoreOptions
{
    /// <summary>Gets or sets the database file; created (with its folder) when missing.</summary>
    /// <value>Default <c>selfhealing.db</c> in the working directory.</value>
    public string Path { get; set; } = "selfhealing.db";

    /// <summary>Gets or sets how long a write waits for another process holding the file.</summary>
    /// <value>Default 5 seconds; allowed zero to 1 minute.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
