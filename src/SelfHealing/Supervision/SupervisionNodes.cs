using SelfHealing.CircuitBreakers;

namespace SelfHealing.Supervision;

/// <summary>A live node of the tree. Mutated only on the tree's loop, so it needs no lock.</summary>
internal abstract class Node(string name, SupervisorNode? parent)
{
    public string Name { get; } = name;

    public SupervisorNode? Parent { get; } = parent;

    public WorkerState State { get; set; } = WorkerState.Created;

    public int Starts { get; set; }

    public string Reason { get; set; } = "declared";

    public Exception? LastFailure { get; set; }

    /// <summary>The token of the start this node waits for (0: none); a stop or a newer schedule voids it.</summary>
    public long PendingStart { get; set; }

    public int Restarts => Math.Max(0, Starts - 1);

    public abstract bool IsSupervisor { get; }

    /// <summary>Alive or about to be: not ended for good.</summary>
    public bool IsActive => State is WorkerState.Starting or WorkerState.Running or WorkerState.Restarting or WorkerState.Stopping;
}

internal sealed class WorkerNode(WorkerDefinition definition, SupervisorNode parent) : Node(definition.Name, parent)
{
    public WorkerDefinition Definition { get; } = definition;

    public WorkerRun? Run { get; set; }

    public override bool IsSupervisor => false;
}

internal sealed class SupervisorNode : Node
{
    public SupervisorNode(SupervisorDefinition definition, SupervisorNode? parent)
        : base(definition.Name, parent)
    {
        Definition = definition;
        Random = definition.Seed is { } seed ? new Random(seed) : new Random();
        Children = [.. definition.Children.Select(c => c switch
        {
            SupervisorDefinition s => (Node)new SupervisorNode(s, this),
            WorkerDefinition w => new WorkerNode(w, this),
            _ => throw new InvalidOperationException($"Unknown node definition {c.GetType()}."),
        })];
    }

    public SupervisorDefinition Definition { get; }

    public IReadOnlyList<Node> Children { get; }

    /// <summary>When each restart within the intensity window happened (timestamps of the tree's clock).</summary>
    public Queue<long> RestartTimes { get; } = new();

    /// <summary>The jitter source; used only on the loop.</summary>
    public Random Random { get; }

    public override bool IsSupervisor => true;

    /// <summary>Every node under this one, depth first in start order.</summary>
    public IEnumerable<Node> Descendants() => TreeWalk.DepthFirst<Node>(Children, static n => (n as SupervisorNode)?.Children);
}

/// <summary>One start of a worker: its own token, a signal when its run method has returned its task, its end.</summary>
internal sealed class WorkerRun(WorkerNode node, Task? after, int restarts, Exception? lastFailure)
{
    public WorkerNode Node { get; } = node;

    /// <summary>The start before this one in a batch: this one is started after that one has started (start order).</summary>
    public Task? After { get; } = after;

    public int Restarts { get; } = restarts;

    public Exception? LastFailure { get; } = lastFailure;

    public CancellationTokenSource Stop { get; } = new();

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion { get; set; } = Task.CompletedTask;
}

/// <summary>What the tree's loop handles, one at a time.</summary>
internal abstract record SupervisionMessage;

internal sealed record RunStarted(WorkerRun Run) : SupervisionMessage;

internal sealed record RunEnded(WorkerRun Run, Exception? Error) : SupervisionMessage;

internal sealed record StartDue(long Token, IReadOnlyList<Node> Nodes) : SupervisionMessage;

internal sealed record CircuitMoved(string Circuit, CircuitState State) : SupervisionMessage;

internal sealed record RestartRequested(string Name, TaskCompletionSource<Task> Done) : SupervisionMessage;

internal sealed record TreeStart(TaskCompletionSource Done) : SupervisionMessage;

internal sealed record TreeStop(TaskCompletionSource Done) : SupervisionMessage;

internal sealed record Barrier(TaskCompletionSource Done) : SupervisionMessage;
