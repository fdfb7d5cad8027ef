using System.Net;
using Microsoft.Extensions.Options;

namespace SelfHealing.Coordination;

/// <summary>Validates <see cref="CoordinationOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class CoordinationOptionsValidator : IValidateOptions<CoordinationOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string Section = "SelfHealing:Coordination";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CoordinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionErrors errors = Check(options);
        return errors.Any ? ValidateOptionsResult.Fail(errors.ToString()) : ValidateOptionsResult.Success;
    }

    internal static OptionErrors Check(CoordinationOptions o)
    {
        var errors = new OptionErrors(Section);
        var seen = new Dictionary<EndPoint, string>();
        foreach ((string id, string address) in o.Members)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add(nameof(o.Members), $"a member with an empty id ({address})", "non-empty node ids");
                continue;
            }

            if (!TryParseEndPoint(address, out EndPoint? endpoint))
            {
                errors.Add($"{nameof(o.Members)}:{id}", $"'{address}'", "host:port, with a port from 1 to 65535");
            }
            else if (seen.TryGetValue(endpoint, out string? other))
            {
                errors.Add($"{nameof(o.Members)}:{id}", $"'{address}'", $"an endpoint no other member has (node '{other}' already has it)");
            }
            else
            {
                seen.Add(endpoint, id);
            }
        }

        if (string.IsNullOrWhiteSpace(o.NodeId))
        {
            errors.Add(nameof(o.NodeId), "empty", "the id of this node, one of the keys of Members");
        }
        else if (!o.Members.ContainsKey(o.NodeId))
        {
            errors.Add(nameof(o.NodeId), $"'{o.NodeId}'", o.Members.Count == 0
                ? "a key of Members, which is empty: list every member, this node included"
                : $"a key of Members ({string.Join(", ", o.Members.Keys.Order(StringComparer.Ordinal))}): this node's own endpoint is missing from Members");
        }

        errors.Range(nameof(o.ElectionTimeoutMin), o.ElectionTimeoutMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        errors.Range(nameof(o.ElectionTimeoutMax), o.ElectionTimeoutMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (o.ElectionTimeoutMax <= o.ElectionTimeoutMin)
        {
            errors.Add(nameof(o.ElectionTimeoutMax), o.ElectionTimeoutMax, $"more than ElectionTimeoutMin ({o.ElectionTimeoutMin}): the election range is inverted or empty");
        }

        if (!(o.HeartbeatThreshold > 0 && o.HeartbeatThreshold < 1))
        {
            errors.Add(nameof(o.HeartbeatThreshold), o.HeartbeatThreshold, "greater than 0 and less than 1");
        }

        errors.Range(nameof(o.RequestTimeout), o.RequestTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        errors.Range(nameof(o.ConnectTimeout), o.ConnectTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        errors.Range(nameof(o.CommandTimeout), o.CommandTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        errors.Range(nameof(o.ClusterBreakDuration), o.ClusterBreakDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        errors.Range(nameof(o.DefaultLeaseDuration), o.DefaultLeaseDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        errors.Range(nameof(o.LeaseSafetyMargin), o.LeaseSafetyMargin, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        errors.Range(nameof(o.LeaseRegrantDelay), o.LeaseRegrantDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        errors.Range(nameof(o.HeartbeatEventInterval), o.HeartbeatEventInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        errors.Defined(nameof(o.Transport), o.Transport);
        errors.Range(nameof(o.ForwardingPort), o.ForwardingPort, 0, 65535);
        if (o.ForwardingPort != 0 && o.Members.TryGetValue(o.NodeId, out string? own) && TryParseEndPoint(own, out EndPoint? ownEndPoint)
            && (ownEndPoint is IPEndPoint { Port: var port } ? port : ((DnsEndPoint)ownEndPoint).Port) == o.ForwardingPort)
        {
            errors.Add(nameof(o.ForwardingPort), o.ForwardingPort, "a port other than this node's Raft port");
        }
        errors.Range(nameof(o.CircuitQuorum), o.CircuitQuorum, 0, Math.Max(1, o.Members.Count));
        foreach (string circuit in o.SharedCircuits)
        {
            if (string.IsNullOrWhiteSpace(circuit))
            {
                errors.Add(nameof(o.SharedCircuits), "a blank name", "breaker names, or * for every breaker");
            }
        }

        if (o.LogDirectory is not null && (o.LogDirectory.Length == 0 || o.LogDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            errors.Add(nameof(o.LogDirectory), $"'{o.LogDirectory}'", "a directory path, or null for a temporary directory");
        }

        if (o.Transport == ClusterTransport.Custom && o.Connections is null)
        {
            errors.Add(nameof(o.Connections), "null", "the connection factories of the Custom transport");
        }

        if (o.Transport == ClusterTransport.Custom && o.Tls is not null)
        {
            errors.Add(nameof(o.Tls), "set", "null with the Custom transport, whose connection factories secure it");
        }

        if (o.Tls is { } tls)
        {
            if (tls.Certificate is null)
            {
                errors.Add($"{nameof(o.Tls)}:{nameof(tls.Certificate)}", "null", "this node's certificate with its private key");
            }
            else if (!tls.Certificate.HasPrivateKey)
            {
                errors.Add($"{nameof(o.Tls)}:{nameof(tls.Certificate)}", $"'{tls.Certificate.Subject}' without a private key", "a certificate with its private key");
            }

            if (string.IsNullOrWhiteSpace(tls.TargetHost))
            {
                errors.Add($"{nameof(o.Tls)}:{nameof(tls.TargetHost)}", "empty", "the host name in the members' certificates");
            }
        }

        return errors;
    }

    internal static bool TryParseEndPoint(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (IPEndPoint.TryParse(text, out IPEndPoint? ip) && ip.Port is > 0 and <= 65535 && text.Contains(':', StringComparison.Ordinal))
        {
            endpoint = ip;
            return true;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return false;
        }

        string host = text[..colon];
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return false;
        }

        endpoint = new DnsEndPoint(host, port);
        return true;
    }
}
