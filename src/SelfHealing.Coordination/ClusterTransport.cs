namespace SelfHealing.Coordination;

/// <summary>How cluster traffic travels.</summary>
public enum ClusterTransport
{
    /// <summary>TCP between the members' endpoints (TLS when <see cref="CoordinationOptions.Tls"/> is set).</summary>
    Tcp = 0,

    /// <summary>
    /// Connections made by <see cref="CoordinationOptions.Connections"/> (ASP.NET Core connection abstractions), for
    /// example the in-process network of the SelfHealing.Coordination.Testing package in tests, or a tunnel.
    /// </summary>
    Custom = 1,
}
