using System.Net;
using DotNext.Buffers;
using DotNext.Net;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace SelfHealing.Coordination.Transport;

/// <summary>The engine's member list, filled once from <see cref="CoordinationOptions.Members"/>.</summary>
internal sealed class StaticMemberStorage : InMemoryClusterConfigurationStorage<EndPoint>
{
    public StaticMemberStorage(IEnumerable<EndPoint> members)
    {
        InMemoryClusterConfigurationStorage<EndPoint>.Builder builder = CreateInitialConfigurationBuilder();
        foreach (EndPoint member in members)
        {
            builder.Add(member);
        }

        builder.Build();
    }

    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> writer) => writer.WriteEndPoint(address);

    protected override EndPoint Decode(ref SequenceReader reader) => reader.ReadEndPoint();
}
