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

    public IEnumerable<NodeDefinition> Descendants()
    {
        foreach (NodeDefinition child in Children)
        {
            yield return child;
            if (child is SupervisorDefinition supervisor)
            {
                foreach (NodeDefinition descendant in supervisor.Descendants())
                {
                    yield return descendant;
                }
            }
        }
    }
}
