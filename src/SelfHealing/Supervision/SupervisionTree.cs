using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Storage;

namespace SelfHealing.Supervision;

/// <summary>
/// Runs the supervisors declared with <c>AddSupervisor</c>: starts their workers in order with the host, restarts
/// them as each supervisor's strategy, intensity and backoff say, pauses workers whose circuits are open, hands
/// each start its last checkpointed state, reports every worker to the health monitor and the hub, and stops them
/// in reverse order with the host. All decisions are taken one at a time on one loop, so they follow a fixed order.
/// </summary>
public sealed partial class SupervisionTree : IHostedService, IAsyncDisposable
{
    /// <summary>The <see cref="SelfHealingEvent.Source"/> of the tree's events.</summary>
    public const string EventSource = "supervision";

    private readonly IReadOnlyList<SupervisorNode> _roots;
    private readonly Dictionary<string, Node> _nodes;
    private readonly string[] _order;
    private readonly ConcurrentDictionary<string, WorkerStatus> _status = new(StringComparer.Ordinal);
    private readonly Channel<SupervisionMessage> _inbox = Channel.CreateUnbounded<SupervisionMessage>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly IServiceProvider _services;
    private readonly IStateStore _store;
    private readonly TimeProvider _time;
    private readonly IEventHub? _hub;
    private readonly HealthMonitor? _monitor;
    private readonly CircuitBreakerRegistry? _breakers;
    private readonly ILogger _logger;
    private readonly Lock _idleGate = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private EventSubscription? _circuitEvents;
    private Task _loop = Task.CompletedTask;
    private Task _circuitLoop = Task.CompletedTask;
    private long _busy;
    private long _tokens;
    private int _started;
    private bool _isStopping;

    internal SupervisionTree(
        IEnumerable<SupervisorDefinition> supervisors,
        IServiceProvider services,
        IStateStore store,
        TimeProvider time,
        IEventHub? hub,
        HealthMonitor? monitor,
        CircuitBreakerRegistry? breakers,
        ILogger<SupervisionTree>? logger)
    {
        ArgumentNullException.ThrowIfNull(supervisors);
        _roots = [.. supervisors.Select(s => new SupervisorNode(s, null))];
        var all = _roots.SelectMany(r => r.Descendants().Prepend(r)).ToList();
        if (all.GroupBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The supervision name '{twice.Key}' is declared {twice.Count()} times; allowed: once.", nameof(supervisors));
        }

        _nodes = all.ToDictionary(n => n.Name, StringComparer.Ordinal);
        _order = [.. all.Select(n => n.Name)];
        _services = services;
        _store = store;
        _time = time;
        _hub = hub;
        _monitor = monitor;
        _breakers = breakers;
        _logger = logger ?? NullLogger<SupervisionTree>.Instance;
        DateTimeOffset now = time.GetUtcNow();
        foreach (Node node in all)
        {
            _status[node.Name] = new WorkerStatus(node.Name, node.Parent?.Name, node.IsSupervisor, WorkerState.Created, 0, node.Reason, now, null);
        }
    }

    /// <summary>Gets every supervisor and worker, depth first in start order.</summary>
    public IReadOnlyList<WorkerStatus> Workers => [.. _order.Select(n => _status[n])];

    /// <summary>Gets one supervisor's or worker's status.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The status, or <see langword="null"/> when no node has that name.</returns>
    public WorkerStatus? GetStatus(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _status.GetValueOrDefault(name);
    }

    /// <summary>
    /// Restarts a worker or a supervisor (all its children) now, with no backoff, and clears the restart
    /// intensity of what is restarted. When a supervisor above it gave up, that supervisor is restarted. This is
    /// what the recovery manager's Restart does for a supervised worker.
    /// </summary>
    /// <param name="name">The worker's or supervisor's name.</param>
    /// <param name="cancellationToken">Stops waiting (the restart goes on).</param>
    /// <returns>A task that completes when what was restarted has started (its run methods returned their tasks).</returns>
    /// <exception cref="ArgumentException">No node has that name.</exception>
    /// <exception cref="InvalidOperationException">The tree is not running (not started, or stopping).</exception>
    public async Task RestartAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_nodes.ContainsKey(name))
        {
            throw new ArgumentException($"No supervisor or worker is named '{name}'; known: {string.Join(", ", _order)}.", nameof(name));
        }

        if (Volatile.Read(ref _started) != 1)
        {
            throw new InvalidOperationException($"The supervision tree is not running, so '{name}' cannot be restarted.");
        }

        var done = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new RestartRequested(name, done));
        Task started = await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await started.WaitAsync(cancellationToken).ConfigureAwait(false);
        await BarrierAsync(cancellationToken).ConfigureAwait(false); // the loop has seen it start: its status says Running
    }

    /// <summary>Starts every root supervisor, in declaration order; returns once their workers are launched.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the start has been issued.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
        {
            return;
        }

        string[] circuits = [.. _nodes.Values.OfType<WorkerNode>().SelectMany(w => w.Definition.Circuits).Distinct(StringComparer.Ordinal)];
        foreach (string circuit in circuits.Where(c => _breakers is null || !_breakers.TryGet(c, out _)))
        {
            Log.UnknownCircuit(_logger, circuit);
        }

        if (_hub is not null && circuits.Length > 0)
        {
            var watched = circuits.ToHashSet(StringComparer.Ordinal);
            _circuitEvents = _hub.Subscribe("supervision", e => e is CircuitStateChanged c && watched.Contains(c.CircuitName));
            _circuitLoop = Task.Run(() => WatchCircuitsAsync(_circuitEvents), CancellationToken.None);
        }

        _loop = Task.Run(LoopAsync, CancellationToken.None);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new TreeStart(done));
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops every worker, in reverse start order, each given its supervisor's stop timeout.</summary>
    /// <param name="cancellationToken">When it fires, stops waiting for workers still ending.</param>
    /// <returns>A task that completes when every worker has ended or been left behind.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 2) != 1)
        {
            return;
        }

        _circuitEvents?.Dispose();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new TreeStop(done));
        try
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: workers still ending are left behind.
        }

        await _circuitLoop.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Raised on the loop after every status change (tests, the health bridge); must not block.</summary>
    internal event Action<WorkerStatus>? Changed;

    /// <summary>Completes when the loop has nothing left to do and no start is in flight (pending backoffs aside).</summary>
    internal Task WhenIdleAsync()
    {
        lock (_idleGate)
        {
            if (Interlocked.Read(ref _busy) == 0)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task;
        }
    }

    private async Task BarrierAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new Barrier(done));
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Post(SupervisionMessage message)
    {
        Interlocked.Increment(ref _busy);
        if (!_inbox.Writer.TryWrite(message))
        {
            Done();
        }
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _busy) != 0)
        {
            return;
        }

        TaskCompletionSource[] waiters;
        lock (_idleGate)
        {
            if (Interlocked.Read(ref _busy) != 0)
            {
                return;
            }

            waiters = [.. _idleWaiters];
            _idleWaiters.Clear();
        }

        foreach (TaskCompletionSource waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    private async Task WatchCircuitsAsync(EventSubscription subscription)
    {
        await foreach (SelfHealingEvent e in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (e is CircuitStateChanged change)
            {
                Post(new CircuitMoved(change.CircuitName, change.State));
            }
        }
    }
}
