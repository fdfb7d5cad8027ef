using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Extensions.Options;

namespace SelfHealing.Http;

/// <summary>Which client each breaker used by <c>AddSelfHealingHandler</c> belongs to, and how breakers are named.</summary>
internal sealed class HttpBreakerNames
{
    private readonly ConcurrentDictionary<string, string> _clients = new(StringComparer.Ordinal);

    /// <summary>The name of a client in breaker names and configuration keys: <c>default</c> for the unnamed client.</summary>
    public static string ClientName(string? client) => string.IsNullOrEmpty(client) || client == Options.DefaultName ? "default" : client;

    /// <summary>The breaker of a whole client: <c>http/{client}</c>.</summary>
    public static string OfClient(string client) => Sanitize($"http/{ClientName(client)}");

    /// <summary>The breaker of a client's calls to one authority: <c>http/{client}/{host}-{port}</c>.</summary>
    public static string OfAuthority(string client, Uri uri) => Sanitize($"http/{ClientName(client)}/{uri.IdnHost}-{uri.Port}");

    /// <summary>Records that <paramref name="breaker"/> serves <paramref name="client"/>; true when it is new.</summary>
    public bool Register(string breaker, string client) => _clients.TryAdd(breaker, client);

    public bool TryGetClient(string breaker, [NotNullWhen(true)] out string? client) => _clients.TryGetValue(breaker, out client);

    // Breaker names are configuration keys and metric tags: letters, digits, '-', '_', '.', '/', at most 128.
    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, 128));
        foreach (char c in name)
        {
            if (builder.Length == 128)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' ? c : '-');
        }

        return builder.ToString();
    }
}
