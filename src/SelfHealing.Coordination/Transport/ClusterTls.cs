using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNext.Net.Security;

namespace SelfHealing.Coordination.Transport;

/// <summary>Builds the TLS settings of both channels (Raft and forwarded commands) from <see cref="CoordinationTlsOptions"/>.</summary>
internal static class ClusterTls
{
    public static SslOptions RaftOptions(CoordinationTlsOptions tls) => new()
    {
        ServerOptions = ServerOptions(tls),
        ClientOptions = ClientOptions(tls),
    };

    public static SslServerAuthenticationOptions ServerOptions(CoordinationTlsOptions tls) => new()
    {
        ServerCertificate = tls.Certificate,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, tls.TrustedRoot, checkName: false),
    };

    public static SslClientAuthenticationOptions ClientOptions(CoordinationTlsOptions tls) => new()
    {
        TargetHost = tls.TargetHost,
        ClientCertificates = tls.Certificate is null ? null : new X509CertificateCollection { tls.Certificate },
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, tls.TrustedRoot, checkName: true),
    };

    /// <summary>
    /// Accepts a peer's certificate when it chains to <paramref name="root"/> (or, without a root, when the platform
    /// accepted it), and, for a server, when its name matches.
    /// </summary>
    internal static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? root, bool checkName)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        if (checkName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (root is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
