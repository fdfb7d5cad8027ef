using Microsoft.AspNetCore.Connections;

namespace SelfHealing.Coordination;

/// <summary>
/// The connection factories of a custom transport (<see cref="ClusterTransport.Custom"/>): how this node listens and how
/// it connects to a peer. Both the Raft protocol (through DotNext's custom transport) and the forwarding of actions to the
/// leader use them. Securing a custom transport is up to its factories.
/// </summary>
/// <param name="Listener">Binds this node's endpoints and accepts peers' connections.</param>
/// <param name="Client">Opens connections to peers.</param>
public sealed record ClusterConnections(IConnectionListenerFactory Listener, IConnectionFactory Client);
