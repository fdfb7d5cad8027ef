using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Coordination.Replication;
using SelfHealing.Coordination.Transport;
using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>
/// Runs this node of the cluster on DotNext's Raft engine: starts and stops it with the host, keeps the replicated state
/// (<see cref="ClusterState"/>) in a write-ahead log with snapshots, forwards a follower's cluster-wide actions to the
/// leader, and joins the cluster to the rest of SelfHealing: shared breakers open on every node when enough nodes see
/// them open, health changes feed the cluster view, manual configuration changes reach every node, and healing leases
/// let one replica act on a shared dependency.
/// </summary>
public sealed partial class ClusterCoordinator : IClusterCoordinator, IAsyncDisposable
{
    /// <summary>The <see cref="SelfHealingEvent.Source"/> of every coordination event.</summary>
    public const string EventSource = "coordination";

    private readonly CoordinationOptions _options;
    private readonly IEventHub _hub;
    private readonly CircuitBreakerRegistry _breakers;
    private readonly AdaptiveConfigManager? _configuration;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _isolated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reportedOpen = new(StringComparer.Ordinal);
    private readonly System.Threading.Channels.Channel<AppliedCommand> _applied =
        System.Threading.Channels.Channel.CreateUnbounded<AppliedCommand>(new() { SingleReader = true });

    private static readonly TimeSpan UnknownKeptFor = TimeSpan.FromMinutes(10);
    private const int UnknownKept = 1024;
    private readonly ConcurrentDictionary<Guid, (ClusterCommand Command, DateTimeOffset At)> _unknown = new();
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<EndPoint, string> _idsByEndPoint = [];
    private Dictionary<string, EndPoint> _endPointsById = new(StringComparer.Ordinal);
    private RaftCluster? _cluster;
    private WriteAheadLog? _log;
    private ClusterStateMachine? _machine;
    private CommandForwarder? _forwarder;
    private long _forwarderTerm = -1;
    private EventSubscription? _subscription;
    private ITimer? _heartbeat;
    private string? _temporaryDirectory;
    private Task _loops = Task.CompletedTask;
    private volatile bool _running;

    /// <summary>Creates the coordinator; <see cref="StartAsync"/> joins the cluster.</summary>
    /// <param name="options">The validated options.</param>
    /// <param name="hub">The event hub.</param>
    /// <param name="breakers">The breaker registry, whose shared breakers follow the cluster.</param>
    /// <param name="configuration">Adaptive configuration, which applies replicated values; may be null.</param>
    /// <param name="timeProvider">The clock (the leader stamps commands with it).</param>
    /// <param name="loggerFactory">Loggers for this node and the Raft engine.</param>
    public ClusterCoordinator(
        IOptions<CoordinationOptions> options,
        IEventHub hub,
        CircuitBreakerRegistry breakers,
        AdaptiveConfigManager? configuration = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(breakers);
        _options = options.Value;
        OptionErrors errors = CoordinationOptionsValidator.Check(_options);
        errors.ThrowIfAny(nameof(options));
        _hub = hub;
        _breakers = breakers;
        _configuration = configuration;
        _time = timeProvider ?? TimeProvider.System;
        _refusalLog = new SelfHealing.Telemetry.LogThrottle(_time, RefusalWarningInterval);
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ClusterCoordinator>();
        NodeId = _options.NodeId;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public ClusterRole Role => Read(cluster => _options.Observer ? ClusterRole.Observer
        : IsLocalLeader(cluster) ? ClusterRole.Leader
        : ClusterRole.Follower, ClusterRole.Stopped);

    /// <inheritdoc />
    public string? LeaderId => Read(cluster => cluster.Leader is { } leader ? IdOf(leader.EndPoint) : null, null);

    /// <inheritdoc />
    public bool HasQuorum => Read(cluster => IsLocalLeader(cluster)
        ? !cluster.LeadershipToken.IsCancellationRequested
        : cluster.Leader is not null && !cluster.ConsensusToken.IsCancellationRequested, false);

    /// <inheritdoc />
    public long Term => Read(cluster => cluster.Term, 0L);

    /// <inheritdoc />
    public ClusterState State => _machine?.State ?? ClusterState.Empty;

    /// <summary>
    /// Reads the running engine's view, or <paramref name="otherwise"/> when the node is not running or the engine fails to
    /// answer (a failing log makes it throw): these properties never throw.
    /// </summary>
    private T Read<T>(Func<RaftCluster, T> read, T otherwise)
    {
        if (!_running || _cluster is not { } cluster)
        {
            return otherwise;
        }

        try
        {
            return read(cluster);
        }
#pragma warning disable CA1031 // A property of the node's view answers "not known" rather than throw the engine's failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            return otherwise;
        }
    }

    /// <summary>Gets the directory of the log and snapshots once the start has chosen it.</summary>
    internal string? DataDirectory { get; private set; }

    /// <summary>Gets the node's write-ahead log (null before start), for tests that break it under a running node.</summary>
    internal WriteAheadLog? Log => _log;

    /// <summary>Gets where this node's command forwarder listens (null before start).</summary>
    internal EndPoint? ForwarderEndPoint => _forwarder?.LocalEndPoint;

    /// <summary>Gets the members by id, as configured.</summary>
    public IReadOnlyDictionary<string, string> Members => new Dictionary<string, string>(_options.Members, StringComparer.Ordinal);

    /// <summary>Joins the cluster: restores the state from the log directory, starts the engine and the forwarder.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the node runs (a leader may not be elected yet).</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_cluster is not null || _machine is not null)
        {
            throw new InvalidOperationException($"Cluster node '{NodeId}' is already started.");
        }

        try
        {
            await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false); // nothing half-started is left holding ports or files
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await ResolveMembersAsync(cancellationToken).ConfigureAwait(false);
        var local = (IPEndPoint)_endPointsById[NodeId];
        string directory = DataDirectory = _options.LogDirectory ?? (_temporaryDirectory = Path.Combine(Path.GetTempPath(), "selfhealing-raft-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(directory);

        ForwardingChannel channel = _options.Transport == ClusterTransport.Custom
            ? new ForwardingChannel.Custom(_options.Connections!, _options.ConnectTimeout)
            : new ForwardingChannel.Tcp(_options.Tls, _options.ConnectTimeout);
        _forwarder = new CommandForwarder(channel, _logger);
        await _forwarder.StartAsync(new IPEndPoint(local.Address, _options.ForwardingPort), HandleForwardedAsync, cancellationToken).ConfigureAwait(false);

        (ClusterStateMachine machine, WriteAheadLog log, long restoredIndex) = await OpenLogAsync(directory, cancellationToken).ConfigureAwait(false);
        _machine = machine;
        _log = log;
        _cluster = NewEngine(local, log);
        _running = true;
        _subscription = _hub.Subscribe("coordination", Accepts);
        CancellationToken stopping = _stopping.Token;
        _loops = Task.WhenAll(
            Task.Run(() => FollowAppliedAsync(stopping), CancellationToken.None),
            Task.Run(() => ReportLocalEventsAsync(_subscription, stopping), CancellationToken.None),
            Task.Run(() => WatchLogAsync(local, directory, stopping), CancellationToken.None));

        Publish(new SyncRequest(EventSource, _time.GetUtcNow(), NodeId, restoredIndex));
        await StartEngineAsync(_cluster, cancellationToken).ConfigureAwait(false);
        _ = SynchronizeAsync(stopping);
        if (_options.HeartbeatEventInterval > TimeSpan.Zero)
        {
            _heartbeat = _time.CreateTimer(_ => PublishHeartbeat(), null, _options.HeartbeatEventInterval, _options.HeartbeatEventInterval);
        }

        LogStarted(_logger, NodeId, local, _options.Members.Count, directory);
        if (_options.RequestTimeout >= _options.ElectionTimeoutMin)
        {
            LogSlowFailover(_logger, NodeId, _options.RequestTimeout, _options.ElectionTimeoutMin);
        }
    }

    /// <summary>Leaves the cluster: stops the engine and the forwarder and flushes the log.</summary>
    /// <param name="cancellationToken">Bounds the stop.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        _subscription?.Dispose();
        await _engineGate.WaitAsync(cancellationToken).ConfigureAwait(false); // a restart of the engine under way ends first
        RaftCluster cluster = _cluster!;
        _engineGate.Release();
        cluster.LeaderChanged -= OnLeaderChanged;
        try
        {
            await cluster.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStopFailed(_logger, ex, NodeId); // stopping goes on: the host must be able to stop a node whose engine failed
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
            LogStopped(_logger, NodeId);
        }
    }

    // Releases what StartAsync created, however far it got.
    private async Task ReleaseAsync()
    {
        _running = false;
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        _subscription?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        _applied.Writer.TryComplete();
        if (_forwarder is not null)
        {
            await _forwarder.DisposeAsync().ConfigureAwait(false);
        }

        await _loops.ConfigureAwait(false);
        try
        {
            _cluster?.Dispose();
            if (_log is not null)
            {
                await _log.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStopFailed(_logger, ex, NodeId); // a failed log must not keep the host from stopping
        }

        if (_machine is not null)
        {
            await _machine.DisposeAsync().ConfigureAwait(false);
        }

        if (_temporaryDirectory is not null)
        {
            try
            {
                Directory.Delete(_temporaryDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _engineGate.Dispose();
        _logSuspect.Dispose();
    }

    private static bool IsLocalLeader(RaftCluster cluster) => cluster.Leader is { IsRemote: false };

    private string IdOf(EndPoint endpoint) =>
        _idsByEndPoint.TryGetValue(endpoint, out string? id) ? id : Describe(endpoint);

    private static string Describe(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    private static InvalidOperationException NotStarted() => new("The cluster node is not started: it starts with the host.");

    private async Task ResolveMembersAsync(CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, EndPoint>(StringComparer.Ordinal);
        foreach ((string id, string address) in _options.Members)
        {
            if (!CoordinationOptionsValidator.TryParseEndPoint(address, out EndPoint? endpoint))
            {
                throw new InvalidOperationException($"{CoordinationOptionsValidator.Section}:Members:{id} is '{address}'; allowed: host:port.");
            }

            if (endpoint is DnsEndPoint dns)
            {
                IPAddress[] addresses = await Dns.GetHostAddressesAsync(dns.Host, cancellationToken).ConfigureAwait(false);
                IPAddress ip = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                    ?? throw new InvalidOperationException($"{CoordinationOptionsValidator.Section}:Members:{id} is '{address}', whose host has no address.");
                endpoint = new IPEndPoint(ip, dns.Port);
            }

            byId[id] = endpoint;
        }

        _endPointsById = byId;
        _idsByEndPoint = byId.ToDictionary(p => p.Value, p => p.Key);
    }

    private void Publish(SelfHealingEvent message) => _hub.Publish(message);
}
