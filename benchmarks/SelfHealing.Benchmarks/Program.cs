using BenchmarkDotNet.Running;

namespace SelfHealing.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, for example <c>--filter *CircuitBreaker*</c>; <c>cluster [rounds]</c>
/// measures elections and replication of a real cluster instead, <c>failover [rounds] [requestTimeoutMs]</c> times a new
/// leader after the leader's process is killed or paused, <c>anomaly &lt;folder&gt;</c> scores the anomaly detector
/// on a labelled corpus, <c>outage [--short]</c> replays a dependency's outages against the README's quick start, and
/// <c>supervision [--restarts N] [--cycles N]</c> times worker restarts and kills a checkpointing process N times, and
/// <c>optimizer [--seeds N]</c> compares the optimizer engines on the standard functions, and <c>validate [--minutes N]</c>
/// runs the whole loop under injected faults and scores it, and <c>nemesis [--minutes N]</c> puts the coordination
/// package under kills, pauses and partitions and checks what it promised; <c>wal-race [--rounds N]</c> reproduces the
/// Raft engine's write-ahead log failure against the engine alone.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["cluster-node", ..])
        {
            await Coordination.ClusterKill.RunNodeAsync(args);
            return;
        }

        if (args is [Coordination.NemesisProcesses.ChildCommand, ..])
        {
            await Coordination.NemesisProcesses.RunChildAsync(args);
            return;
        }

        if (args is ["wal-race", ..])
        {
            Environment.ExitCode = await Coordination.WalRace.RunAsync(args);
            return;
        }

        if (args is ["nemesis", ..])
        {
            Environment.ExitCode = await Coordination.NemesisBenchmark.RunAsync(args);
            return;
        }

        if (args is ["supervision-child", ..])
        {
            await Supervision.SupervisionBenchmark.RunChildAsync(args);
            return;
        }

        if (args is ["supervision", ..])
        {
            Environment.ExitCode = await Supervision.SupervisionBenchmark.RunAsync(args);
            return;
        }

        if (args is ["anomaly", ..])
        {
            Environment.ExitCode = Anomaly.AnomalyBenchmark.Run(args);
            return;
        }

        if (args is ["optimizer", ..])
        {
            Environment.ExitCode = await Optimization.OptimizerBenchmark.RunAsync(args);
            return;
        }

        if (args is [Validation.OverheadMeasurement.SideCommand, ..])
        {
            Environment.ExitCode = await Validation.OverheadMeasurement.RunSideAsync(args);
            return;
        }

        if (args is ["validate", ..])
        {
            Environment.ExitCode = await Validation.ValidationBenchmark.RunAsync(args);
            return;
        }

        if (args is ["dashboard", ..])
        {
            Environment.ExitCode = await Dashboard.DashboardOverhead.RunAsync(args);
            return;
        }

        if (args is ["outage", ..])
        {
            Environment.ExitCode = await Outage.OutageBenchmark.RunAsync(args);
            return;
        }

        if (args is ["failover", ..])
        {
            await Coordination.ClusterTimings.RunFailoverAsync(args);
            return;
        }

        if (args is ["cluster", ..])
        {
            await Coordination.ClusterTimings.RunAsync(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchmarkConfig());
    }
}
