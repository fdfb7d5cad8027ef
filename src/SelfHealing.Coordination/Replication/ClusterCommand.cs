using System.Text.Json;
using System.Text.Json.Serialization;
using SelfHealing.Health;

namespace SelfHealing.Coordination.Replication;

/// <summary>
/// A command in the Raft log, applied in order on every node. The node that asks for it fills <see cref="Node"/> and
/// <see cref="RequestId"/>; the leader stamps <see cref="Timestamp"/> (and, for circuit reports, the quorum) before
/// appending it, so every node applies the same values.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(ReportCircuitCommand), "circuit")]
[JsonDerivedType(typeof(ReportHealthCommand), "health")]
[JsonDerivedType(typeof(ProposeConfigurationCommand), "config")]
[JsonDerivedType(typeof(AcquireLeaseCommand), "lease")]
[JsonDerivedType(typeof(ReleaseLeaseCommand), "release")]
internal abstract record ClusterCommand
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public Guid RequestId { get; init; } = Guid.NewGuid();

    public string Node { get; init; } = string.Empty;

    public DateTimeOffset Timestamp { get; init; }

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ClusterCommand Deserialize(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<ClusterCommand>(utf8, Json) ?? throw new JsonException("A cluster command was null.");
}

/// <summary>A node's breaker for a shared dependency opened (or closed).</summary>
internal sealed record ReportCircuitCommand(string Circuit, bool Open) : ClusterCommand
{
    public int Quorum { get; init; }

    public TimeSpan BreakDuration { get; init; }
}

/// <summary>A node's view of one of its components.</summary>
internal sealed record ReportHealthCommand(string Component, HealthLevel Level, string? Reason) : ClusterCommand;

/// <summary>Configuration values (formatted as strings) for every node to apply.</summary>
internal sealed record ProposeConfigurationCommand(IReadOnlyDictionary<string, string> Values, string? Reason) : ClusterCommand;

/// <summary>Asks for the right to act on a shared target for a while.</summary>
internal sealed record AcquireLeaseCommand(string Target, string Component, string Action, TimeSpan Duration) : ClusterCommand
{
    /// <summary>Gets how long after a lease lapsed another node may be granted it (the asking node's option).</summary>
    public TimeSpan RegrantDelay { get; init; }
}

/// <summary>Gives a lease back, with the outcome of the action it covered.</summary>
internal sealed record ReleaseLeaseCommand(string Target, string Component, Guid LeaseId, bool? Succeeded, string? Detail) : ClusterCommand;
