using SelfHealing.Supervision;

namespace SelfHealing.Tests.Supervision;

/// <summary>
/// For random trees and random failure scripts, the tree's restarts match a small reference model of the rules
/// (strategies, policies, intensity windows, escalation to the parent and to the root).
/// </summary>
public sealed class SupervisionModelTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_failure_scripts_restart_what_the_reference_model_restarts(int seed)
    {
        var random = new Random(seed);
        ModelSupervisor model = RandomTree(random, "root", depth: 0);
        await using var h = new SupervisionHarness((s, h) => Declare(s, h, model));
        await h.StartAsync();
        model.Start();
        Compare(h, model, "after start");

        for (int step = 0; step < 40; step++)
        {
            int roll = random.Next(10);
            ModelWorker[] running = [.. model.Workers().Where(w => w.Alive)];
            if (model.Failed)
            {
                await h.Tree.RestartAsync("root");
                await h.SettleAsync();
                model.Start();
                Compare(h, model, $"step {step}: restart of the root");
            }
            else if (roll < 2 || running.Length == 0)
            {
                var by = TimeSpan.FromMilliseconds(random.Next(0, 4000));
                h.Time.Advance(by);
                model.Now += by;
            }
            else
            {
                ModelWorker worker = running[random.Next(running.Length)];
                bool fails = roll < 8;
                if (fails)
                {
                    await h.FailAsync(worker.Name);
                }
                else
                {
                    await h.ReturnAsync(worker.Name);
                }

                worker.End(fails);
                Compare(h, model, $"step {step}: {worker.Name} {(fails ? "failed" : "returned")}");
            }
        }
    }

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 60; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    private static void Compare(SupervisionHarness h, ModelSupervisor model, string when)
    {
        foreach (ModelWorker worker in model.Workers())
        {
            h.Starts(worker.Name).Should().Be(worker.Starts, $"{worker.Name} should have started {worker.Starts} times {when}");
            (h.State(worker.Name) == WorkerState.Running).Should().Be(worker.Alive, $"{worker.Name} running {when}");
        }

        (h.State("root") == WorkerState.Failed).Should().Be(model.Failed, $"the root gave up {when}");
    }

    private static ModelSupervisor RandomTree(Random random, string name, int depth)
    {
        var supervisor = new ModelSupervisor(name, null, (SupervisionStrategy)random.Next(3), random.Next(0, 4));
        int children = random.Next(1, 4);
        for (int i = 0; i < children; i++)
        {
            string child = $"{name}.{i}";
            if (depth == 0 && random.Next(3) == 0)
            {
                ModelSupervisor nested = RandomTree(random, child, depth + 1);
                nested.Parent = supervisor;
                supervisor.Children.Add(nested);
            }
            else
            {
                supervisor.Children.Add(new ModelWorker(child, supervisor, (RestartPolicy)random.Next(3)));
            }
        }

        return supervisor;
    }

    private static void Declare(SupervisorBuilder builder, SupervisionHarness h, ModelSupervisor model)
    {
        builder.Strategy(model.Strategy).RestartIntensity(model.MaxRestarts, Window).Backoff(TimeSpan.Zero, TimeSpan.Zero, 0);
        foreach (ModelNode child in model.Children)
        {
            if (child is ModelSupervisor nested)
            {
                builder.AddSupervisor(nested.Name, b => Declare(b, h, nested));
            }
            else
            {
                var worker = (ModelWorker)child;
                builder.AddWorker(worker.Name, h.Worker(worker.Name), w => w.Restart(worker.Policy));
            }
        }
    }

    // The reference model: the rules as written in docs/supervision.md, with no backoff.
    private abstract class ModelNode(string name, ModelSupervisor? parent)
    {
        public string Name { get; } = name;

        public ModelSupervisor? Parent { get; set; } = parent;

        public abstract bool Active { get; }

        public abstract void Start();

        public abstract void Stop();
    }

    private sealed class ModelWorker(string name, ModelSupervisor parent, RestartPolicy policy) : ModelNode(name, parent)
    {
        public RestartPolicy Policy { get; } = policy;

        public bool Alive { get; private set; }

        public int Starts { get; private set; }

        public override bool Active => Alive;

        public override void Start()
        {
            Alive = true;
            Starts++;
        }

        public override void Stop() => Alive = false;

        public void End(bool failed)
        {
            Alive = false;
            if (Policy == RestartPolicy.Temporary || (Policy == RestartPolicy.Transient && !failed))
            {
                return;
            }

            Parent!.ChildEnded(this);
        }
    }

    private sealed class ModelSupervisor(string name, ModelSupervisor? parent, SupervisionStrategy strategy, int maxRestarts) : ModelNode(name, parent)
    {
        private readonly List<TimeSpan> _restarts = [];

        public SupervisionStrategy Strategy { get; } = strategy;

        public int MaxRestarts { get; } = maxRestarts;

        public List<ModelNode> Children { get; } = [];

        public bool Failed { get; private set; }

        public TimeSpan Now
        {
            get => Parent?.Now ?? field;
            set => field = value;
        }

        // A supervisor is alive from its start until it is stopped, even when all its workers have finished.
        public override bool Active => Running;

        public bool Running { get; private set; }

        public IEnumerable<ModelWorker> Workers() =>
            Children.SelectMany(c => c is ModelSupervisor s ? s.Workers() : [(ModelWorker)c]);

        public override void Start()
        {
            Failed = false;
            Running = true;
            _restarts.Clear();
            foreach (ModelNode child in Children)
            {
                child.Start();
            }
        }

        public override void Stop()
        {
            Running = false;
            foreach (ModelNode child in Children)
            {
                child.Stop();
            }
        }

        public void ChildEnded(ModelNode child)
        {
            _restarts.RemoveAll(t => Now - t >= Window);
            if (_restarts.Count >= MaxRestarts)
            {
                Stop();
                if (Parent is null)
                {
                    Failed = true;
                }
                else
                {
                    Parent.ChildEnded(this);
                }

                return;
            }

            _restarts.Add(Now);
            int index = Children.IndexOf(child);
            List<ModelNode> batch = Strategy switch
            {
                SupervisionStrategy.AllForOne => [.. Children.Where(c => c == child || c.Active)],
                SupervisionStrategy.RestForOne => [.. Children.Skip(index).Where(c => c == child || c.Active)],
                _ => [child],
            };
            foreach (ModelNode node in batch)
            {
                node.Stop();
            }

            foreach (ModelNode node in batch)
            {
                node.Start();
            }
        }
    }
}
