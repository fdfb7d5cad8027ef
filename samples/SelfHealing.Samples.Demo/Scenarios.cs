using System.Diagnostics;
using System.Globalization;
using SelfHealing.CircuitBreakers;
using SelfHealing.Configuration;
using SelfHealing.Events;
using SelfHealing.Optimization;
using SelfHealing.Recovery;

namespace SelfHealing.Samples.Demo;

/// <summary>The three demonstrations, each started from the demo's page or from the command line.</summary>
public sealed class Scenarios(
    Shop shop,
    ShopTuning tuning,
    CascadeLab lab,
    AdaptiveConfigManager configuration,
    CircuitBreakerRegistry breakers,
    IEventHub hub,
    TimeProvider time,
    IHostApplicationLifetime lifetime) : IDisposable
{
    public static readonly IReadOnlyList<string> Names = ["basic", "optimize", "cascade"];
    private readonly Lock _gate = new();
    private readonly List<string> _log = [];
    private Task<bool>? _running;
    private CancellationTokenSource? _stop;

    public string? Running { get; private set; }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts a scenario unless one is running.</summary>
    /// <returns>The run (true when it showed what it should), or null when another one runs.</returns>
    public Task<bool>? Start(string name)
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false })
            {
                return null;
            }

            Running = name;
            _log.Clear();
            _stop?.Dispose();
            _stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
            _running = RunAsync(name, _stop.Token);
            return _running;
        }
    }

    public void Dispose() => _stop?.Dispose();

    /// <summary>Stops the running scenario, if any, and waits for it to end.</summary>
    public async Task StopAsync()
    {
        Task<bool>? running;
        lock (_gate)
        {
            running = _running;
            _stop?.Cancel();
        }

        if (running is not null)
        {
            await running;
        }
    }

    private async Task<bool> RunAsync(string name, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            return name switch
            {
                "basic" => await BasicAsync(cancellationToken),
                "optimize" => await OptimizeAsync(cancellationToken),
                "cascade" => await CascadeAsync(cancellationToken),
                _ => throw new ArgumentException($"No scenario is named '{name}'; allowed: {string.Join(", ", Names)}.", nameof(name)),
            };
        }
        catch (OperationCanceledException)
        {
            Say("stopped");
            return false;
        }
        finally
        {
            Running = null;
        }
    }

    // 1. A component fails and recovers: the database goes down, its breaker opens, the health monitor names it the
    // root cause, the recovery manager restarts it, verifies and resolves the incident.
    private async Task<bool> BasicAsync(CancellationToken cancellationToken)
    {
        using EventSubscription events = hub.Subscribe("demo-basic", e => e is CircuitStateChanged or IncidentChanged);
        shop.Heal();
        long started = Stopwatch.GetTimestamp();
        shop["database"].Down = true;
        Say("the database is down (it fails every call until it is restarted)");
        bool opened = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync(timeout.Token))
        {
            string after = Elapsed(started);
            switch (e)
            {
                case CircuitStateChanged { CircuitName: "database", State: CircuitState.Open } when !opened:
                    opened = true;
                    Say($"circuit 'database' opened after {after}");
                    break;
                case IncidentChanged { Incident: { Component: "database" } incident } when incident.IsClosed:
                    Say($"incident {incident.Id} on 'database' {incident.Status} after {after} ({shop["database"].Restarts} restart(s))");
                    return opened && incident.Status == IncidentStatus.Resolved;
            }
        }

        return false;
    }

    // 2. Self-optimization: the online optimizer tunes the checkout for browsing, then the workload becomes a sale and
    // it tunes again.
    private async Task<bool> OptimizeAsync(CancellationToken cancellationToken)
    {
        var online = new OnlineOptimizer(configuration, tuning, time, new OnlineOptimizerOptions
        {
            EvaluationWindow = TimeSpan.FromMilliseconds(250),
            Genetic = new GeneticOptimizerOptions { PopulationSize = 8, EliteCount = 2, ReevaluateElites = true, Seed = 11, MaxGenerations = 1000, StagnationGenerations = 1000 },
        }, eventHub: hub);
        if (!await WholeAsync(cancellationToken))
        {
            return false;
        }

        double defaults = CheckoutMilliseconds("browsing");
        await TuneAsync(online, "browsing", 6, cancellationToken);
        double browsing = CheckoutMilliseconds("browsing");
        Say(string.Create(CultureInfo.InvariantCulture, $"browsing checkout: {defaults:F0} ms with the defaults, {browsing:F0} ms tuned"));
        double before = CheckoutMilliseconds("sale");
        List<double> sale = await TuneAsync(online, "sale", 12, cancellationToken);
        double after = CheckoutMilliseconds("sale");

        // Shown when tuning made each workload's checkout much faster than the configuration it started from.
        Say(string.Create(CultureInfo.InvariantCulture,
            $"the sale's checkout: {before:F0} ms with the configuration tuned for browsing, {after:F0} ms re-tuned (fitness {sale[^1]:F3})"));
        return browsing < 0.5 * defaults && after < 0.6 * before;
    }

    // Waits until every component of the shop is up and its circuit closed (after scenario 1 the breakers that opened
    // during the outage close one by one), so the optimizer's first windows measure the checkout, not an outage.
    private async Task<bool> WholeAsync(CancellationToken cancellationToken)
    {
        using EventSubscription events = hub.Subscribe("demo-whole", e => e is CircuitStateChanged);
        shop.Heal();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (shop.Parts.Any(p => p.Breaker.State != CircuitState.Closed))
        {
            try
            {
                await events.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                string open = string.Join(", ", shop.Parts.Where(p => p.Breaker.State != CircuitState.Closed).Select(p => p.Name));
                Say($"the shop's circuits did not all close within 30 s (still not closed: {open})");
                return false;
            }
        }

        Say("every circuit of the shop is closed");
        return true;
    }

    private double CheckoutMilliseconds(string workload)
    {
        ConfigSnapshot current = configuration.Current;
        return 1000 * ShopTuning.Latency(current.Get<long>(ShopTuning.CacheSize), current.Get<long>(ShopTuning.PoolSize), current.Get<bool>(ShopTuning.Compression), workload);
    }

    private async Task<List<double>> TuneAsync(OnlineOptimizer online, string workload, int generations, CancellationToken cancellationToken)
    {
        tuning.Workload = workload;
        Say($"workload: {workload}");
        var fitness = new List<double>(generations);
        for (int i = 0; i < generations; i++)
        {
            ConfigSnapshot promoted = await online.RunGenerationAsync(cancellationToken);
            fitness.Add(promoted.Fitness ?? online.Population[0].Fitness);
            Say(string.Create(CultureInfo.InvariantCulture,
                $"generation {online.Generation}: fitness {fitness[^1]:F3} with cache {promoted.Get<long>(ShopTuning.CacheSize)}, pool {promoted.Get<long>(ShopTuning.PoolSize)}, compression {promoted.Get<bool>(ShopTuning.Compression)}"));
        }

        return fitness;
    }

    // 3. Resilience under failure: the payment gateway slows down to 2 s a call; the copy without breakers saturates
    // and fails browsing too, the copy with a breaker contains it.
    private async Task<bool> CascadeAsync(CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task traffic = lab.RunAsync(breakers.GetOrCreate(CascadeLab.BreakerName), running.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);
        var before = (lab.Protected.Counts, lab.Unprotected.Counts);
        lab.GatewayLatency = TimeSpan.FromSeconds(2);
        Say("the payment gateway answers in 2 s instead of 2 ms");
        await Task.Delay(TimeSpan.FromSeconds(8), time, cancellationToken);
        var during = (lab.Protected.Counts, lab.Unprotected.Counts);
        lab.GatewayLatency = TimeSpan.Zero;
        Say("the payment gateway is fast again");
        await Task.Delay(TimeSpan.FromSeconds(4), time, cancellationToken);
        await running.CancelAsync();
        await traffic;

        double withBreaker = FailedShare(before.Item1, during.Item1);
        double without = FailedShare(before.Item2, during.Item2);
        Say(string.Create(CultureInfo.InvariantCulture, $"during the slowdown, without breakers: {without:P0} of requests failed (browsing too); with a breaker: {withBreaker:P0}"));
        Say($"circuit '{CascadeLab.BreakerName}' is {breakers.GetOrCreate(CascadeLab.BreakerName).State} again");
        return without > 0.3 && withBreaker < 0.05;
    }

    private static double FailedShare((long Served, long Failed) before, (long Served, long Failed) after)
    {
        long served = after.Served - before.Served;
        long failed = after.Failed - before.Failed;
        return served + failed == 0 ? 0 : (double)failed / (served + failed);
    }

    private static string Elapsed(long started) =>
        string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

    private void Say(string line)
    {
        lock (_gate)
        {
            _log.Add(line);
        }

        Console.WriteLine(line);
    }
}
