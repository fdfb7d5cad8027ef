using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Storage;
using SelfHealing.Supervision;
using SelfHealing.Tests.TestSupport;

namespace SelfHealing.Tests.Recovery;

/// <summary>
/// A Generic Host with the health monitor and the recovery manager on a fake clock: health checks the test
/// switches, one outcome enough to change a level, checks only when asked (or when recovery verifies).
/// </summary>
internal sealed class RecoveryHarness : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly IHost _host;

    public RecoveryHarness(
        Action<ISelfHealingBuilder> configure,
        Dictionary<string, string?>? settings = null,
        IStateStore? store = null,
        params string[] checks)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true })); // as in Development
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        IHealthChecksBuilder registrations = builder.Services.AddHealthChecks();
        foreach (string check in checks.Length == 0 ? ["db"] : checks)
        {
            Checks[check] = new SwitchableCheck();
            registrations.AddCheck(check, Checks[check]);
        }

        builder.Services.AddSelfHealing(b =>
        {
            b.ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
             .ConfigureHealth(o =>
             {
                 o.DefaultInterval = TimeSpan.FromHours(1);
                 o.OutcomesToWorsen = 1;
                 o.OutcomesToRecover = 1;
                 o.LogAlerts = false;
             })
             .ConfigureRecovery(o =>
             {
                 o.VerificationTimeout = TimeSpan.FromSeconds(5);
                 o.VerificationInterval = TimeSpan.FromSeconds(1);
             })
             .AddIncidentSink(Sink);
            configure(b);
        });
        _host = builder.Build();
        Configuration = (IConfigurationRoot)_host.Services.GetRequiredService<IConfiguration>();
    }

    public FakeTimeProvider Time { get; } = new();

    public Dictionary<string, SwitchableCheck> Checks { get; } = new(StringComparer.Ordinal);

    public RecordingIncidentSink Sink { get; } = new();

    public IConfigurationRoot Configuration { get; }

    public IServiceProvider Services => _host.Services;

    public HealthMonitor Monitor => _host.Services.GetRequiredService<HealthMonitor>();

    public RecoveryManager Manager => _host.Services.GetRequiredService<RecoveryManager>();

    public async Task StartAsync()
    {
        await _host.StartAsync();
        foreach (string check in Checks.Keys)
        {
            await Monitor.WhenIdle(check).WaitAsync(Wait); // the first run, started with the host
        }
    }

    public Task StopAsync() => _host.StopAsync();

    /// <summary>Makes a check report <paramref name="status"/> and runs it, so the monitor publishes the change.</summary>
    public async Task SetAsync(string check, HealthStatus status, string description = "down")
    {
        Checks[check].Result = new HealthCheckResult(status, description);
        await Monitor.CheckNowAsync(check);
    }

    /// <summary>
    /// Waits until the component has more than <paramref name="closedBefore"/> closed incidents, moving the fake clock a second at a time so retries,
    /// verification intervals and timeouts pass (bounded: at most 10 minutes of fake time).
    /// </summary>
    public async Task<Incident> ClosedAsync(string component, int closedBefore = 0)
    {
        for (int i = 0; i < 600; i++)
        {
            List<Incident> closed = [.. Manager.IncidentHistory.Where(x => x.Component == component)];
            if (closed.Count > closedBefore)
            {
                return closed[^1];
            }

            await Settle();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"The incident of {component} did not close within 10 minutes of fake time.");
    }

    /// <summary>
    /// Waits until a condition on the manager's incidents holds: checked now and again at each incident change the
    /// manager publishes (it updates its state before publishing), bounded; no polling.
    /// </summary>
    public async Task UntilIncidentsAsync(Func<bool> condition, string because)
    {
        using EventSubscription changes = Services.GetRequiredService<IEventHub>().Subscribe("harness-wait", e => e is IncidentChanged);
        while (!condition())
        {
            try
            {
                await changes.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            }
            catch (TimeoutException)
            {
                condition().Should().BeTrue($"{because} within {Wait.TotalSeconds:0} s of the last incident change");
            }
        }
    }

    /// <summary>Moves the fake clock a second at a time, letting the manager act, until the condition holds.</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan atMost)
    {
        for (var passed = TimeSpan.Zero; !condition() && passed < atMost; passed += TimeSpan.FromSeconds(1))
        {
            await Settle();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Settle();
        condition().Should().BeTrue($"the condition should hold within {atMost} of fake time");
    }

    public void Dispose() => _host.Dispose();

    // Waits (bounded) until nothing can take a step without time moving: the supervision tree (when there is one) has
    // no message and no start in flight, and the manager no news in hand and every run waiting on the clock or on
    // another run. The tree's news reaches the manager, and the manager's restarts reach the tree: both are asked
    // again until both were idle at once.
    private async Task Settle()
    {
        SupervisionTree? tree = Services.GetService<SupervisionTree>();
        for (int round = 0; round < 1000; round++)
        {
            if (tree is not null)
            {
                await tree.WhenIdleAsync().WaitAsync(Wait);
            }

            await Manager.WhenSettledAsync().WaitAsync(Wait);
            if (tree is null || tree.WhenIdleAsync().IsCompleted)
            {
                return;
            }
        }

        throw new TimeoutException("The supervision tree and the recovery manager kept waking each other for 1,000 rounds.");
    }
}

/// <summary>Keeps every incident notification.</summary>
internal sealed class RecordingIncidentSink : IIncidentSink
{
    private readonly List<Incident> _received = [];

    public IReadOnlyList<Incident> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public ValueTask NotifyAsync(Incident incident, CancellationToken cancellationToken)
    {
        lock (_received)
        {
            _received.Add(incident);
        }

        return ValueTask.CompletedTask;
    }
}
