using System.Net;
using System.Net.Sockets;

namespace SelfHealing.Coordination.Tests.TestSupport;

/// <summary>
/// Distinct free ports of 127.0.0.1 for cluster members, chosen below the system's ephemeral range, where a port bound
/// to 0 (each node's command forwarder, any outgoing connection) is never handed out. Every candidate stays bound until
/// all are chosen, so none is handed out twice.
/// </summary>
internal static class LoopbackPorts
{
    public static int[] Take(int count)
    {
        int below = EphemeralRangeStart();
        var taken = new List<TcpListener>();
        try
        {
            while (taken.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(10_000, below));
                try
                {
                    listener.Start();
                    taken.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose(); // in use: try another
                }
            }

            return [.. taken.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            taken.ForEach(l => l.Dispose());
        }
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out int start) && start > 11_000
            ? start
            : 32_768;
    }
}
