using System.Diagnostics;
using System.Globalization;
using SelfHealing.Configuration;
using SelfHealing.Coordination;
using SelfHealing.Events;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// The work each node does during a nemesis run, recorded in its <see cref="NemesisJournal"/>: it competes for a healing
/// lease on one shared target and acts on it in steps while the lease is valid (renewing it as the recovery manager
/// does); it proposes configuration values through the log and makes manual changes, each value unique so the checker
/// can follow it; it reports a shared circuit; and it records what its hub announces and what its app runs with.
/// </summary>
internal sealed class NemesisWorkload
{
    public const string Target = "orders-db";
    public const string Parameter = "nemesis-value";
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly IClusterCoordinator _coordinator;
    private readonly AdaptiveConfigManager _configuration;
    private readonly IEventHub _hub;
    private readonly NemesisJournal _journal;
    private readonly Random _random;
    private readonly int _index;
    private long _lastOk;

    public NemesisWorkload(IClusterCoordinator coordinator, AdaptiveConfigManager configuration, IEventHub hub, NemesisJournal journal, int index, int seed)
    {
        _coordinator = coordinator;
        _configuration = configuration;
        _hub = hub;
        _journal = journal;
        _index = index;
        _random = new Random(seed);
    }

    /// <summary>Raised (at most once a second) when a cluster-wide request was answered: the node works.</summary>
    public event Action? Answered;

    /// <summary>The parameter every node declares.</summary>
    public static ParameterDefinition Definition => ParameterDefinition.Integer(Parameter, 0, 0, long.MaxValue / 2);

    public async Task RunAsync(CancellationToken stop)
    {
        using EventSubscription events = _hub.Subscribe("nemesis", e => e is ConfigUpdate or LeaderElected);
        Task watching = WatchAsync(events, stop);
        await Task.WhenAll(LeasesAsync(stop), ConfigurationAsync(stop), CircuitsAsync(stop), ViewsAsync(stop)).ConfigureAwait(false);
        events.Dispose();
        await watching.ConfigureAwait(false);
    }

    private async Task LeasesAsync(CancellationToken stop)
    {
        int seed;
        lock (_random)
        {
            seed = _random.Next();
        }

        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            long sent = Stopwatch.GetTimestamp();
            HealingLease lease;
            try
            {
                lease = await _coordinator.RequestHealingAsync(Target, "db", "Restart", LeaseDuration, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                Failed("lease", ex);
                await PauseAsync(random, 50, 200, stop).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Ok();
            if (!lease.Granted)
            {
                await PauseAsync(random, 50, 250, stop).ConfigureAwait(false);
                continue;
            }

            _journal.Write("grant", sent, lease.FencingToken);
            await HoldAsync(lease, TimeSpan.FromMilliseconds(random.Next(1000, 6000)), stop).ConfigureAwait(false);
            await PauseAsync(random, 0, 300, stop).ConfigureAwait(false);
        }
    }

    private async Task HoldAsync(HealingLease lease, TimeSpan howLong, CancellationToken stop)
    {
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Task renewing = RenewAsync(lease, held.Token);
        long until = Stopwatch.GetTimestamp() + (long)(howLong.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (!stop.IsCancellationRequested && Stopwatch.GetTimestamp() < until)
            {
                long now = Stopwatch.GetTimestamp();
                if (!lease.IsValid)
                {
                    _journal.Write("lost", lease.FencingToken);
                    break;
                }

                _journal.WriteAt("act", now, lease.FencingToken); // a step on the shared target, taken while the lease is valid
                await Task.Delay(Step, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await held.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }

        try
        {
            if (lease.IsValid)
            {
                await lease.CompleteAsync(true, "nemesis step done", CancellationToken.None).ConfigureAwait(false);
                _journal.Write("released", lease.FencingToken);
            }
        }
        catch (Exception ex)
        {
            Failed("release", ex);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(HealingLease lease, CancellationToken held)
    {
        while (!held.IsCancellationRequested && lease.IsValid)
        {
            try
            {
                await Task.Delay(lease.RemainingTime / 3, held).ConfigureAwait(false);
                if (!await lease.RenewAsync(held).ConfigureAwait(false))
                {
                    _journal.Write("denied", lease.FencingToken);
                    return;
                }
            }
            catch (OperationCanceledException) when (held.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed("renew", ex);
            }
        }
    }

    private async Task ConfigurationAsync(CancellationToken stop)
    {
        int seed;
        lock (_random)
        {
            seed = _random.Next();
        }

        var random = new Random(seed);
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            await PauseAsync(random, 100, 400, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            sequence++;
            long value = (Stopwatch.GetTimestamp() / 1000 * 10) + _index; // unique across nodes and restarts
            if (sequence % 4 == 0)
            {
                try
                {
                    _configuration.Update(Parameter, value); // the app's own path: replicated, or reverted when it cannot be
                    _journal.Write("manual", value);
                }
                catch (Exception ex)
                {
                    Failed("manual", ex);
                }

                continue;
            }

            long sent = Stopwatch.GetTimestamp();
            try
            {
                await _coordinator.ProposeConfigurationAsync(new Dictionary<string, object> { [Parameter] = value }, "nemesis", stop).ConfigureAwait(false);
                _journal.Write("ack", sent, value);
                Ok();
            }
            catch (ClusterUnavailableException)
            {
                _journal.Write("refused", sent, value);
            }
            catch (ClusterOutcomeUnknownException)
            {
                _journal.Write("unknown", sent, value);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed("propose", ex);
            }
        }
    }

    private async Task CircuitsAsync(CancellationToken stop)
    {
        bool open = false;
        while (!stop.IsCancellationRequested)
        {
            await PauseAsync(_random, 500, 1500, stop).ConfigureAwait(false);
            open = !open;
            try
            {
                await _coordinator.ReportCircuitAsync("payments", open, stop).ConfigureAwait(false);
                Ok();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed("circuit", ex);
            }
        }
    }

    /// <summary>What the app runs with against what this node has applied, five times a second.</summary>
    private async Task ViewsAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(200, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _journal.Write("view", View().Split(' '));
        }
    }

    /// <summary>Applied index, the replicated value, the value the app reads, and whether this node has a majority.</summary>
    public string View()
    {
        try
        {
            ClusterState state = _coordinator.State;
            string replicated = state.Configuration.TryGetValue(Parameter, out string? v) ? v : "0";
            return string.Create(CultureInfo.InvariantCulture, $"{state.AppliedIndex} {replicated} {_configuration.Get<long>(Parameter)} {(_coordinator.HasQuorum ? 1 : 0)}");
        }
        catch (Exception ex)
        {
            Failed("view", ex);
            return "0 ? ? 0";
        }
    }

    private async Task WatchAsync(EventSubscription events, CancellationToken stop)
    {
        try
        {
            await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                switch (e)
                {
                    case ConfigUpdate update when update.Values.TryGetValue(Parameter, out string? value):
                        _journal.Write(update.Origin == ConfigUpdate.SnapshotOrigin ? "snap" : "applied", update.Index, value);
                        break;
                    case LeaderElected elected:
                        _journal.Write("leader", elected.Leader ?? "none", elected.Term);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Ok()
    {
        long now = Stopwatch.GetTimestamp();
        long last = Volatile.Read(ref _lastOk);
        if (now - last > Stopwatch.Frequency && Interlocked.CompareExchange(ref _lastOk, now, last) == last)
        {
            _journal.Write("ok");
            Answered?.Invoke();
        }
    }

    /// <summary>Refusals and unknown outcomes are the documented answers; anything else escaped the package's API.</summary>
    private void Failed(string what, Exception ex)
    {
        if (ex is ClusterUnavailableException or ClusterOutcomeUnknownException)
        {
            return;
        }

        _journal.Write("escape", what, ex.GetType().Name, ex.Message.Length > 120 ? ex.Message[..120] : ex.Message);
    }

    private static async Task PauseAsync(Random random, int minMs, int maxMs, CancellationToken stop)
    {
        int ms;
        lock (random)
        {
            ms = random.Next(minMs, maxMs + 1);
        }

        try
        {
            await Task.Delay(ms, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
