namespace SelfHealing.Coordination;

/// <summary>
/// How this process takes part in a SelfHealing cluster (bound from <c>SelfHealing:Coordination</c>, validated at start).
/// Every member lists the same <see cref="Members"/>; each picks itself with <see cref="NodeId"/>.
/// </summary>
public sealed class CoordinationOptions
{
    /// <summary>Gets or sets this node's id: a key of <see cref="Members"/>.</summary>
    public string NodeId { get; set; } = string.Empty;

    /// <summary>
    /// Gets the cluster's voting members and observers: node id → endpoint (<c>host:port</c>, an IP address or a host name).
    /// The same map on every node; this node's own entry is where it listens.
    /// </summary>
    public IDictionary<string, string> Members { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets whether this node is an observer: it replicates the state and can ask for cluster-wide actions,
    /// but never becomes the leader (the engine's standby mode). Default <see langword="false"/>.
    /// </summary>
    public bool Observer { get; set; }

    /// <summary>Gets or sets the lower bound of the randomised election timeout. Default 200 ms.</summary>
    public TimeSpan ElectionTimeoutMin { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the upper bound of the randomised election timeout. Default 400 ms.</summary>
    public TimeSpan ElectionTimeoutMax { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Gets or sets the leader's heartbeat period as a fraction of the election timeout, greater than 0 and less than 1.
    /// Default 0.5.
    /// </summary>
    public double HeartbeatThreshold { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets how long one Raft request to a peer may take. Keep it below <see cref="ElectionTimeoutMin"/>: a paused
    /// leader (a long GC pause, a frozen VM) keeps its connections open and answers nothing, and the engine's pre-vote and
    /// vote wait for every member's answer, so a longer timeout costs whole election rounds (with 1 s a paused leader of
    /// 5 node processes took 4–7.5 s to replace; with this default, 0.7–1.3 s). Raise it, and the election timeouts with
    /// it, when one request can take longer: a slow network, a large replicated state sent as a snapshot, or nodes starved
    /// of CPU (the coordination tests, five nodes in one process beside the core suite on 2 cores, use 1 s and elections
    /// of 300–600 ms). A node whose request timeout is not below <see cref="ElectionTimeoutMin"/> warns at start (event
    /// 8016). Default 180 ms.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(180);

    /// <summary>Gets or sets how long connecting to a peer may take. Default 250 ms.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how long a cluster-wide action (a report, a configuration, a lease) waits to be committed by a majority
    /// before it is refused with <see cref="ClusterUnavailableException"/>. Default 5 s.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the directory of the write-ahead log and the state snapshots, so the node keeps the replicated state
    /// across restarts. <see langword="null"/> (the default) keeps them in a temporary directory removed at stop.
    /// </summary>
    public string? LogDirectory { get; set; }

    /// <summary>
    /// Gets or sets the TCP port on this node's address where the leader takes the actions its followers forward to it;
    /// 0 (the default) picks a free port at start and announces it to the members. Set it when a firewall must know it.
    /// </summary>
    public int ForwardingPort { get; set; }

    /// <summary>Gets or sets the transport of cluster traffic. Default <see cref="ClusterTransport.Tcp"/>.</summary>
    public ClusterTransport Transport { get; set; } = ClusterTransport.Tcp;

    /// <summary>Gets or sets the connection factories of <see cref="ClusterTransport.Custom"/>; set in code, not bound from configuration.</summary>
    public ClusterConnections? Connections { get; set; }

    /// <summary>
    /// Gets or sets TLS for cluster traffic (the Raft protocol and forwarded commands), with mutual certificate
    /// authentication. <see langword="null"/> (the default) sends it in clear: use only on a trusted network.
    /// </summary>
    public CoordinationTlsOptions? Tls { get; set; }

    /// <summary>
    /// Gets the names of the circuit breakers guarding shared dependencies: their openings are reported to the cluster,
    /// and they open on every node when <see cref="CircuitQuorum"/> nodes report them open. <c>*</c> shares every breaker.
    /// Empty (the default) shares none.
    /// </summary>
    public IList<string> SharedCircuits { get; } = [];

    /// <summary>
    /// Gets or sets how many nodes must report a shared circuit open before it opens cluster-wide;
    /// 0 (the default) means a majority of the voting members.
    /// </summary>
    public int CircuitQuorum { get; set; }

    /// <summary>
    /// Gets or sets how long a circuit opened cluster-wide stays open before every node closes it and lets its own
    /// breaker decide again. Default 30 s.
    /// </summary>
    public TimeSpan ClusterBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the lease length used when a request names none. Default 30 s.</summary>
    public TimeSpan DefaultLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how much sooner than the cluster the holder of a lease counts it lost: the holder judges its lease
    /// on its own monotonic clock, from the moment it sent the request, minus this margin (at most a quarter of the lease).
    /// Default 1 s; 0 to 1 min.
    /// </summary>
    public TimeSpan LeaseSafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long after a lease lapsed (its holder neither renewed nor gave it back) it may be granted to
    /// another node, so a holder that was paused past its lease has time to notice before anyone else acts.
    /// Default 0; 0 to 1 h.
    /// </summary>
    public TimeSpan LeaseRegrantDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets whether the health monitor's status changes are reported to the cluster view. Default <see langword="true"/>.</summary>
    public bool ReportHealth { get; set; } = true;

    /// <summary>
    /// Gets or sets whether manual configuration changes (on any node) and the optimizer's promotions (on the leader)
    /// are replicated and applied on every node. Default <see langword="true"/>.
    /// </summary>
    public bool ReplicateConfiguration { get; set; } = true;

    /// <summary>Gets or sets how often this node publishes a <see cref="Heartbeat"/> event on the hub; zero turns it off. Default 5 s.</summary>
    public TimeSpan HeartbeatEventInterval { get; set; } = TimeSpan.FromSeconds(5);
}
