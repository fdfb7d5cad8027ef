using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Storage;
using SelfHealing.Supervision;

namespace SelfHealing.Tests.Supervision;

/// <summary>
/// A supervision tree on a fake clock with scripted workers: each start of a worker waits until the test makes it
/// fail, return, or until it is stopped; every start and stop is recorded in order.
/// </summary>
internal sealed class SupervisionHarness : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Attempt> _current = new(StringComparer.Ordinal);
    private readonly List<string> _log = [];

    public SupervisionHarness(
        Action<SupervisorBuilder, SupervisionHarness> configure,
        CircuitBreakerRegistry? breakers = null,
        IStateStore? store = null,
        FakeTimeProvider? time = null,
        IEventHub? hub = null,
        HealthMonitor? monitor = null,
        string root = "root")
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Store = store ?? new InMemoryStateStore();
        var definition = new SupervisorDefinition(root);
        configure(new SupervisorBuilder(definition, new HashSet<string>(StringComparer.Ordinal) { root }), this);
        Tree = new SupervisionTree([definition], new ServiceCollection().BuildServiceProvider(), Store, Time, hub, monitor, breakers, Logger);
    }

    public FakeTimeProvider Time { get; }

    public IStateStore Store { get; }

    public SupervisionTree Tree { get; }

    public FakeLogger<SupervisionTree> Logger { get; } = new();

    /// <summary>"start:a", "stop:a" (stopped by its token), "end:a" (failed or returned), in the order they happened.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    public WorkerContext? LastContext(string worker) => _current.TryGetValue(worker, out Attempt? a) ? a.Context : null;

    public int Starts(string worker) => Log.Count(e => e == $"start:{worker}");

    public WorkerState State(string name) => Tree.GetStatus(name)!.State;

    /// <summary>A worker body: records its start, waits for the test's verdict or its token, records how it ended.</summary>
    public Func<WorkerContext, CancellationToken, Task> Worker(string name, Func<WorkerContext, CancellationToken, Task>? onStart = null) => async (context, token) =>
    {
        var attempt = new Attempt(context);
        _current[name] = attempt;
        Record($"start:{name}");
        if (onStart is not null)
        {
            await onStart(context, token);
        }

        try
        {
            await attempt.Verdict.Task.WaitAsync(token);
            Record($"end:{name}");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Record($"stop:{name}");
            throw;
        }
        catch
        {
            Record($"end:{name}");
            throw;
        }
    };

    public async Task StartAsync()
    {
        await Tree.StartAsync(CancellationToken.None);
        await SettleAsync();
    }

    /// <summary>Makes the running worker fail and waits until the tree has acted on it.</summary>
    public Task FailAsync(string worker, Exception? error = null) =>
        EndAsync(worker, a => a.Verdict.TrySetException(error ?? new InvalidOperationException($"{worker} broke")));

    /// <summary>Makes the running worker return and waits until the tree has acted on it.</summary>
    public Task ReturnAsync(string worker) => EndAsync(worker, a => a.Verdict.TrySetResult());

    /// <summary>Waits until the tree has no message and no start in flight (backoffs on the fake clock aside).</summary>
    public Task SettleAsync() => Tree.WhenIdleAsync().WaitAsync(Bound);

    /// <summary>Moves the fake clock and waits until <paramref name="name"/> reaches <paramref name="state"/>.</summary>
    public async Task AdvanceUntilAsync(TimeSpan by, string name, WorkerState state)
    {
        Task reached = WhenAsync(s => s.Name == name && s.State == state);
        Time.Advance(by);
        await reached;
        await SettleAsync();
    }

    /// <summary>Completes when a status change matches (checked on the tree's loop), bounded in real time.</summary>
    public Task WhenAsync(Func<WorkerStatus, bool> predicate)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(WorkerStatus status)
        {
            if (predicate(status))
            {
                reached.TrySetResult();
            }
        }

        Tree.Changed += Handler;
        return Finish();

        async Task Finish()
        {
            try
            {
                await reached.Task.WaitAsync(Bound);
            }
            finally
            {
                Tree.Changed -= Handler;
            }
        }
    }

    public async ValueTask DisposeAsync() => await Tree.DisposeAsync();

    private async Task EndAsync(string worker, Action<Attempt> end)
    {
        State(worker).Should().Be(WorkerState.Running, $"{worker} should be running before the test ends it");
        Task acted = WhenAsync(s => s.Name == worker && s.State is not (WorkerState.Running or WorkerState.Starting));
        end(_current[worker]);
        await acted;
        await SettleAsync();
    }

    private void Record(string entry)
    {
        lock (_log)
        {
            _log.Add(entry);
        }
    }

    private sealed class Attempt(WorkerContext context)
    {
        public WorkerContext Context { get; } = context;

        public TaskCompletionSource Verdict { get; } = new();
    }
}
