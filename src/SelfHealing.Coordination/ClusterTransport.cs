namespace SelfHealing.Coordination;

/// <summary>How cluster traffic travels.</summary>
public enum ClusterTransport
{
    /// <summary>TCP between the members' endpoints (TLS when <see cref="CoordinationOptions.Tls"/> is set).</summary>
    Tcp = 0,
}
