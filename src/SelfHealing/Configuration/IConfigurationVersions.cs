namespace SelfHealing.Configuration;

/// <summary>
/// What recovery uses of adaptive configuration: the version in force, a guarded change, and a rollback. The seam
/// between <see cref="AdaptiveConfigManager"/> and the recovery manager, so recovery can be tested alone.
/// </summary>
internal interface IConfigurationVersions
{
    /// <summary>Gets the version in force.</summary>
    ConfigSnapshot Current { get; }

    /// <summary>Applies changes as one new version.</summary>
    ConfigSnapshot Update(IReadOnlyDictionary<string, object> changes, ConfigSource source = ConfigSource.Manual, double? fitness = null, string? reason = null);

    /// <summary>Makes an earlier version's values current again, as a new version.</summary>
    ConfigSnapshot Rollback(long version, string? reason = null);
}
