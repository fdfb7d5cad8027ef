using System.Security.Cryptography.X509Certificates;

namespace SelfHealing.Coordination;

/// <summary>
/// TLS for cluster traffic with mutual authentication: every node presents <see cref="Certificate"/> both as a server and
/// as a client, and accepts a peer only when its certificate chains to <see cref="TrustedRoot"/>.
/// </summary>
public sealed class CoordinationTlsOptions
{
    /// <summary>Gets or sets this node's certificate, with its private key.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Gets or sets the certificate authority that issued the members' certificates; a peer whose certificate does not
    /// chain to it is refused. <see langword="null"/> trusts the system's store.
    /// </summary>
    public X509Certificate2? TrustedRoot { get; set; }

    /// <summary>Gets or sets the host name expected in the peers' certificates. Default <c>localhost</c>.</summary>
    public string TargetHost { get; set; } = "localhost";
}
