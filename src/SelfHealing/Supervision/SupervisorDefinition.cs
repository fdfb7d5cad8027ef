namespace SelfHealing.Supervision;

/// <summary>A declared node of the supervision tree: a worker or a supervisor.</summary>
internal abstract class NodeDefinition(string name)
{
    public string Name { get; } = name;
}

/// <summary>A declared worker: how to run one instance, when to restart it, which circuits pause it.</summary>
internal sealed class WorkerDefinition(string name, Func<IServiceProvider, WorkerContext, CancellationToken, Task> run) : NodeDefinition(name)
{
    public Func<IServiceProvider, WorkerContext, CancellationToken, Task> Run { get; } = run;

    public RestartPolicy Policy { get; set; } = RestartPolicy.Permanent;

    public List<string> Circuits { get; } = [];
}

/// <summary>A declared supervisor: its strategy, restart intensity, backoff and children in start order.</summary>
internal sealed class SupervisorDefinition(string name) : NodeDefinition(name)
{
    public const int DefaultMaxRestarts = 3;
    public static readonly TimeSpan DefaultRestartWindow = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(10);
    public const double DefaultJitter = 0.2;
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(5);

    public SupervisionStrategy Strategy { get; set; } = SupervisionStrategy.OneForOne;

    public int MaxRestarts { get; set; } = DefaultMaxRestarts;

    public TimeSpan RestartWindow { get; set; } = DefaultRestartWindow;

    public TimeSpan InitialBackoff { get; set; } = DefaultInitialBackoff;

    public TimeSpan MaxBackoff { get; set; } = DefaultMaxBackoff;

    public double Jitter { get; set; } = DefaultJitter;

    public TimeSpan StopTimeout { get; set; } = DefaultStopTimeout;

    public int? Seed { get; set; }

    public List<NodeDefinition> Children { get; } = [];

    /// <summary>Every node under this one, depth first in start order.</summary>
    public IEnumerable<NodeDefinition> Descendants() => TreeWalk.DepthFirst<NodeDefinition>(Children, static n => (n as SupervisorDefinition)?.Children);
}

/// <summary>Depth-first, start-order walk of a tree of supervisors, for the declarations and the live nodes alike.</summary>
internal static class TreeWalk
{
    public static IEnumerable<T> DepthFirst<T>(IEnumerable<T> nodes, Func<T, IEnumerable<T>?> children)
    {
        foreach (T node in nodes)
        {
            yield return node;
            if (children(node) is { } below)
            {
                foreach (T descendant in DepthFirst(below, children))
                {
                    yield return descendant;
                }
            }
        }
    }
}
