using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.Chaos;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing.Benchmarks.Validation;

/// <summary>
/// <c>validate [--minutes N] [--faults N] [--rate R] [--seed S] [--overhead-seconds N] [--overhead-rounds N] [--warm-up-seconds N] [--kinds Kind,Kind]</c>:
/// runs the whole loop on a simulated service of 14 components and the process, under steady load, with a seeded
/// schedule of injected faults of every kind, one at a time; scores the hub's events against the faults (see
/// <see cref="ValidationScore"/>), measures the loop's CPU and allocation against the same load with the loop's
/// background services off (see <see cref="OverheadMeasurement"/>), and prints a table and the summary line.
/// </summary>
internal static class ValidationBenchmark
{
    // The closed incidents the run keeps (RecoveryOptions.IncidentHistory): the run closes about 25 a minute, so its
    // history is full after about ten minutes and the heap should be flat from there.
    private const int IncidentHistory = 250;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        double minutes = Option(args, "--minutes", double.NaN);
        int faultCount = (int)Option(args, "--faults", double.IsNaN(minutes) ? 200 : int.MaxValue);
        double rate = Option(args, "--rate", 10_000);
        int seed = (int)Option(args, "--seed", 1);
        double overheadSeconds = Option(args, "--overhead-seconds", 10);
        int rounds = (int)Option(args, "--overhead-rounds", 10);
        double warmUp = Option(args, "--warm-up-seconds", 60);
        int kindsAt = Array.IndexOf(args, "--kinds");
        ChaosFaultKind[] kinds = kindsAt >= 0 && kindsAt + 1 < args.Length
            ? [.. args[kindsAt + 1].Split(',').Select(k => Enum.Parse<ChaosFaultKind>(k, ignoreCase: true))]
            : [];
        if (faultCount < 1 || rate <= 0 || overheadSeconds < 1 || rounds < 1 || minutes <= 0 || !(warmUp >= 0))
        {
            Console.Error.WriteLine("usage: validate [--minutes N > 0] [--faults N >= 1] [--rate calls/s > 0] [--seed S] [--overhead-seconds N >= 1] [--overhead-rounds N >= 1] [--warm-up-seconds N >= 0] [--kinds Kind,Kind]");
            return 2;
        }

        Console.WriteLine($"validate: {Environment.ProcessorCount} cores, {rate:0} calls/s asked, seed {seed}, "
            + (double.IsNaN(minutes) ? $"{faultCount} faults" : $"{minutes} minutes"));

        Overhead overhead = await OverheadMeasurement.MeasureAsync(rate, seed, TimeSpan.FromSeconds(overheadSeconds), rounds, TimeSpan.FromSeconds(warmUp));
        RunResult run = await RunFaultsAsync(rate, seed, faultCount, double.IsNaN(minutes) ? null : TimeSpan.FromMinutes(minutes), kinds);
        var score = new ValidationScore(run.Events);
        Print(score, run, overhead);
        return 0;
    }

    private static async Task<RunResult> RunFaultsAsync(double rate, int seed, int faultCount, TimeSpan? limit, ChaosFaultKind[] kinds)
    {
        var service = new SimulatedService(backgroundErrorRate: 1e-4, seed);
        using IHost host = BuildHost(service, loop: true, seed);
        await host.StartAsync();
        service.Connect(host.Services.GetRequiredService<CircuitBreakerRegistry>(), host.Services.GetRequiredService<ChaosInjector>());
        ChaosInjector chaos = host.Services.GetRequiredService<ChaosInjector>();
        var recorder = new EventRecorder(host.Services.GetRequiredService<IEventHub>());
        var load = new LoadGenerator(service, rate);
        using var stop = new CancellationTokenSource();
        Task loadRun = Task.Run(() => load.RunAsync(stop.Token));

        var schedule = new FaultSchedule(seed, kinds);
        var memory = new List<(double Minute, double HeapMiB, int Incidents)>();
        RecoveryManager recovery = host.Services.GetRequiredService<RecoveryManager>();
        long started = Stopwatch.GetTimestamp();
        TimeSpan Elapsed() => Stopwatch.GetElapsedTime(started);
        await Task.Delay(TimeSpan.FromSeconds(2)); // settle: the first probes, the breakers' first windows
        int injected = 0;
        while (injected < faultCount && (limit is not { } l || Elapsed() < l))
        {
            (ChaosFault fault, TimeSpan gap) = schedule.Next();
            await Task.Delay(gap);
            if (memory.Count <= (int)Elapsed().TotalMinutes)
            {
                memory.Add((Elapsed().TotalMinutes, GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0), recovery.IncidentHistory.Count));
            }

            if (fault.Kind == ChaosFaultKind.ThreadPoolStarvation)
            {
                // Starvation is more blocked work than the pool has threads: as many as it has now (it keeps threads it
                // added for earlier faults a while), and as many again as the schedule says.
                fault = fault with { Threads = Math.Min(1024, ThreadPool.ThreadCount + fault.Threads) };
            }

            ActiveChaosFault active = chaos.Start(fault);
            injected++;
            TimeSpan wait = fault.Duration ?? TimeSpan.FromSeconds(10); // a dead component nobody restarts is stopped at 10 s
            if (await Task.WhenAny(active.Completion, Task.Delay(wait + TimeSpan.FromSeconds(1))) != active.Completion)
            {
                active.Stop();
            }

            if (injected % 20 == 0)
            {
                Console.WriteLine($"  {Elapsed().TotalMinutes,5:0.0} min: {injected} faults, {load.Issued / Elapsed().TotalSeconds:0} calls/s");
            }
        }

        await Task.Delay(ValidationScore.Settle); // the last fault's aftermath
        TimeSpan elapsed = Elapsed();
        await stop.CancelAsync();
        await loadRun;
        await host.StopAsync();
        IReadOnlyList<SelfHealingEvent> events = await recorder.CompleteAsync();
        return new RunResult(events, elapsed, load.Issued, load.Failed, load.Shed, memory, injected);
    }

    /// <summary>
    /// The app as a user would write it: a breaker per component; with <paramref name="loop"/> the whole loop (collector,
    /// monitor with a probe and thresholds per component, recovery restarting components), without it the breakers only.
    /// Chaos is on in both, so the same code runs.
    /// </summary>
    internal static IHost BuildHost(SimulatedService service, bool loop, int seed)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        ISelfHealingBuilder selfHealing = loop ? builder.Services.AddSelfHealing() : builder.Services.AddSelfHealingCore();
        selfHealing.AddChaos(options =>
        {
            options.Enabled = true;
            options.Seed = seed;
        });
        foreach (string name in SimulatedService.Names)
        {
            bool leaf = !SimulatedService.Dependencies(name).Any();
            selfHealing.AddCircuitBreaker(name, options =>
            {
                options.FailureRatio = 0.5;
                options.MinimumThroughput = 20;
                options.SamplingDuration = TimeSpan.FromSeconds(2);
                options.BreakDuration = TimeSpan.FromMilliseconds(500);
                options.HalfOpenProbes = 3;
                options.Timeout = leaf ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(1);
            });
        }

        if (!loop)
        {
            return builder.Build();
        }

        foreach (string name in SimulatedService.Names)
        {
            string component = name;
            selfHealing.AddHealthComponent(component, c => c
                .UseProbe(ct => service.ProbeAsync(component, ct))
                .DependsOn([.. SimulatedService.Dependencies(component), SimulatedService.Host])
                .Interval(TimeSpan.FromMilliseconds(100))
                .Threshold(HealthMetricNames.ErrorRate, t => Levels(t, degraded: 0.05, critical: 0.2))
                .Threshold(HealthMetricNames.ResponseTime, t => Levels(t, degraded: 50, critical: 150)));
            selfHealing.AddHealableComponent(component, h => h.OnRestart(_ => service.RestartAsync(component)));
        }

        // The process, measured on a thread of its own (so a starved pool does not blind it), with thresholds for this
        // service: the CPU of every core busy, the heap grown by more than 160 MiB.
        selfHealing.AddProcessHealth(options =>
        {
            options.Component = SimulatedService.Host;
            options.Interval = TimeSpan.FromMilliseconds(100);
        });
        selfHealing.AddHealthComponent(SimulatedService.Host, c => c
            .Threshold(HealthMetricNames.Cpu, t => Levels(t, degraded: 75, critical: 90, samples: 3))
            .Threshold(HealthMetricNames.HeapMegabytes, t => Levels(t, degraded: 160, critical: 256)));
        selfHealing.ConfigureHealth(options => options.LogAlerts = false);
        selfHealing.ConfigureRecovery(options =>
        {
            options.VerificationInterval = TimeSpan.FromMilliseconds(100);
            options.VerificationTimeout = TimeSpan.FromSeconds(3);
            options.IncidentHistory = IncidentHistory;
        });
        selfHealing.AddRecoveryPlan(plan =>
        {
            plan.FailureType = FailureTypes.Critical;
            plan.Primary = RecoveryStrategy.Restart;
            plan.MaxRetries = 1;
            plan.RetryDelay = TimeSpan.FromMilliseconds(200);
        });
        return builder.Build();
    }

    private static void Levels(MetricThreshold threshold, double degraded, double critical, int samples = 2)
    {
        threshold.Degraded = degraded;
        threshold.Critical = critical;
        threshold.SamplesToWorsen = samples;
        threshold.SamplesToRecover = 2;
    }

    private static void Print(ValidationScore score, RunResult run, Overhead overhead)
    {
        IReadOnlyList<FaultOutcome> outcomes = score.Outcomes;
        Console.WriteLine();
        Console.WriteLine($"{run.Injected} faults injected over {run.Elapsed.TotalMinutes:0.0} min; {run.Calls / run.Elapsed.TotalSeconds:0} calls/s reached "
            + $"({run.Failed * 100.0 / Math.Max(1, run.Calls):0.00} % failed or answered by nobody, {run.Shed} shed)");
        Console.WriteLine();
        Console.WriteLine("| fault kind | n | detected | detect p50 / p95 ms | recovered | recover p50 / p95 ms | diagnosis right | wrong-component actions |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (IGrouping<ChaosFaultKind, FaultOutcome> kind in outcomes.GroupBy(o => o.Fault.Fault.Kind).OrderBy(g => g.Key))
        {
            Row(kind.Key.ToString(), [.. kind]);
        }

        Row("cascades (a dependency with dependents)", [.. outcomes.Where(o => o.Fault.Fault.Target != SimulatedService.Host && SimulatedService.Affected(o.Fault.Fault.Target).Count > 1)]);
        Row("all", outcomes);
        Console.WriteLine();

        int thirds = Math.Max(1, outcomes.Count / 3);
        for (int part = 0; part < 3 && outcomes.Count >= 3; part++)
        {
            FaultOutcome[] slice = [.. outcomes.Skip(part * thirds).Take(part == 2 ? int.MaxValue : thirds)];
            Console.WriteLine($"part {part + 1} of the run: {slice.Count(o => o.Detected is not null) * 100.0 / slice.Length:0.0} % detected, "
                + $"detect p95 {ValidationScore.Ms(ValidationScore.Percentile(slice.Where(o => o.Detected is not null).Select(o => o.Detected!.Value.TotalMilliseconds), 0.95))} ms");
        }

        Console.WriteLine($"managed heap after a full collection, by minute (MiB; closed incidents kept, at most {IncidentHistory}): "
            + string.Join(", ", run.Memory.Select(m => string.Create(Invariant, $"{m.HeapMiB:0.0} ({m.Incidents})"))));
        Console.WriteLine();
        foreach (IGrouping<string, Alarm> kind in score.Alarms.GroupBy(a => a.Kind).OrderBy(g => g.Key))
        {
            Console.WriteLine($"alarms of kind {kind.Key}: {kind.Count()}, unexplained {kind.Count(a => score.FalseAlarms.Contains(a))}");
        }

        foreach (Alarm alarm in score.FalseAlarms.Take(10))
        {
            Console.WriteLine($"  unexplained: {alarm.Time:HH:mm:ss.fff} {alarm.Kind} {alarm.Component}: {alarm.Detail}");
        }

        foreach (FaultOutcome missed in outcomes.Where(o => o.Detected is null).Take(10))
        {
            Console.WriteLine($"  not detected: {missed.Fault.Fault}");
        }

        foreach (FaultOutcome acted in outcomes.Where(o => o.WrongActions > 0).Take(10))
        {
            IEnumerable<Alarm> actions = score.Alarms.Where(a => a.Kind == "action" && a.Time >= acted.Fault.Start && a.Time <= acted.Fault.End + ValidationScore.Grace && a.Component != acted.Fault.Fault.Target);
            Console.WriteLine($"  acted elsewhere: {acted.Fault.Fault}: " + string.Join(", ", actions.Select(a => $"{a.Detail} on {a.Component} at +{(a.Time - acted.Fault.Start).TotalMilliseconds:0} ms")));
        }

        foreach (FaultOutcome wrong in outcomes.Where(o => o.DiagnosisRight == false).Take(10))
        {
            Console.WriteLine($"  diagnosis wrong: {wrong.Fault.Fault}: named {wrong.NamedRootCause}");
        }

        double[] ratios = [.. overhead.Off.Zip(overhead.On, (a, b) => b.CpuPerCall / a.CpuPerCall)];
        double overheadPct = (ValidationScore.Percentile(ratios, 0.5) - 1) * 100;
        double bytesOff = overhead.Off.Sum(x => x.Bytes) / overhead.Off.Sum(x => x.Calls);
        double bytesOn = overhead.On.Sum(x => x.Bytes) / overhead.On.Sum(x => x.Calls);
        Console.WriteLine();
        Console.WriteLine($"overhead, the same load without faults in two processes at once, loop off and on, after {overhead.WarmUp.TotalSeconds:0} s of warm-up, {ratios.Length} windows (CPU s, MiB allocated, calls per window):");
        foreach ((string name, List<Phase> phases) in new[] { ("off", overhead.Off), ("on", overhead.On) })
        {
            Console.WriteLine($"  {name}: " + string.Join("; ", phases.Select(p => $"{p.Cpu:0.00} s, {p.Bytes / 1048576:0.0} MiB, {p.Calls:0}")));
        }

        Console.WriteLine($"  CPU per call, on / off by window: {string.Join(", ", ratios.Select(r => r.ToString("0.000", Invariant)))}; median {overheadPct:+0.0;-0.0} %");
        Console.WriteLine($"  allocated per call: {bytesOff:0} B off, {bytesOn:0} B on");

        double detectedPct = outcomes.Count(o => o.Detected is not null) * 100.0 / Math.Max(1, outcomes.Count);
        double falsePct = score.FalseAlarms.Count * 100.0 / Math.Max(1, score.Alarms.Count);
        double detectP95 = ValidationScore.Percentile(outcomes.Where(o => o.Detected is not null).Select(o => o.Detected!.Value.TotalMilliseconds), 0.95);
        double recoverP95 = ValidationScore.Percentile(outcomes.Where(o => o.Fault.CuredByRestart && o.Recovered is not null).Select(o => o.Recovered!.Value.TotalMilliseconds), 0.95);
        FaultOutcome[] diagnosed = [.. outcomes.Where(o => o.DiagnosisRight is not null)];
        double diagnosisPct = diagnosed.Count(o => o.DiagnosisRight == true) * 100.0 / Math.Max(1, diagnosed.Length);
        Console.WriteLine($"false positives: {score.FalseAlarms.Count} of {score.Alarms.Count} alarms, {score.FalseAlarms.Count / run.Elapsed.TotalHours:0.0} per hour");
        Console.WriteLine(string.Create(Invariant,
            $"validate faults={outcomes.Count} detected_pct={detectedPct:0.0} false_positive_pct={falsePct:0.00} detect_p95_ms={ValidationScore.Ms(detectP95)} recover_p95_ms={ValidationScore.Ms(recoverP95)} diagnosis_pct={diagnosisPct:0.0} overhead_cpu_pct={overheadPct:0.0} calls_per_s={run.Calls / run.Elapsed.TotalSeconds:0}"));
    }

    private static void Row(string name, IReadOnlyList<FaultOutcome> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        double[] detect = [.. outcomes.Where(o => o.Detected is not null).Select(o => o.Detected!.Value.TotalMilliseconds)];
        double[] recover = [.. outcomes.Where(o => o.Recovered is not null).Select(o => o.Recovered!.Value.TotalMilliseconds)];
        FaultOutcome[] diagnosed = [.. outcomes.Where(o => o.DiagnosisRight is not null)];
        Console.WriteLine(string.Create(Invariant,
            $"| {name} | {outcomes.Count} | {detect.Length * 100.0 / outcomes.Count:0.0} % | {ValidationScore.Ms(ValidationScore.Percentile(detect, 0.5))} / {ValidationScore.Ms(ValidationScore.Percentile(detect, 0.95))} "
            + $"| {recover.Length * 100.0 / outcomes.Count:0.0} % | {ValidationScore.Ms(ValidationScore.Percentile(recover, 0.5))} / {ValidationScore.Ms(ValidationScore.Percentile(recover, 0.95))} "
            + $"| {(diagnosed.Length == 0 ? "no incident" : $"{diagnosed.Count(o => o.DiagnosisRight == true)}/{diagnosed.Length}")} | {outcomes.Sum(o => o.WrongActions)} |"));
    }

    internal static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], NumberStyles.Float, Invariant, out double value) ? value : fallback;
    }

    private sealed record RunResult(IReadOnlyList<SelfHealingEvent> Events, TimeSpan Elapsed, long Calls, long Failed, long Shed, List<(double Minute, double HeapMiB, int Incidents)> Memory, int Injected);

    /// <summary>Keeps every event the hub delivers, from a subscription of its own.</summary>
    private sealed class EventRecorder
    {
        private readonly EventSubscription _subscription;
        private readonly List<SelfHealingEvent> _events = [];
        private readonly Task _reader;

        public EventRecorder(IEventHub hub)
        {
            _subscription = hub.Subscribe("validation", static e => e is ChaosFaultStarted or ChaosFaultStopped or HealthChanged or CircuitStateChanged or IncidentChanged or SelfHealing.Metrics.AnomalyDetected);
            _reader = Task.Run(async () =>
            {
                await foreach (SelfHealingEvent e in _subscription.Reader.ReadAllAsync())
                {
                    // An incident's snapshot without its timeline: the score needs none of it, and keeping every
                    // snapshot's timeline for the whole run would weigh on the heap the run measures.
                    _events.Add(e is IncidentChanged changed ? changed with { Incident = changed.Incident with { Timeline = [] } } : e);
                }
            });
        }

        public async Task<IReadOnlyList<SelfHealingEvent>> CompleteAsync()
        {
            await _reader; // the hub completes when the host stops
            _subscription.Dispose();
            return _events;
        }
    }
}
