using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SelfHealing.Supervision;

/// <summary>
/// Declares a supervisor inside <c>AddSupervisor(name, s =&gt; ...)</c>: its children in start order (workers and
/// nested supervisors), its strategy, its restart intensity and the backoff between restarts.
/// </summary>
public sealed class SupervisorBuilder
{
    private readonly SupervisorDefinition _definition;
    private readonly HashSet<string> _names;

    internal SupervisorBuilder(SupervisorDefinition definition, HashSet<string> names)
    {
        _definition = definition;
        _names = names;
    }

    /// <summary>Gets the supervisor's name.</summary>
    public string Name => _definition.Name;

    /// <summary>Sets which children are restarted when one fails.</summary>
    /// <param name="strategy">The strategy; default <see cref="SupervisionStrategy.OneForOne"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="strategy"/> is not a defined value.</exception>
    public SupervisorBuilder Strategy(SupervisionStrategy strategy)
    {
        if (!Enum.IsDefined(strategy))
        {
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, $"Supervisor '{Name}': not a defined strategy; allowed: {string.Join(", ", Enum.GetNames<SupervisionStrategy>())}.");
        }

        _definition.Strategy = strategy;
        return this;
    }

    /// <summary>
    /// Sets the restart intensity: at most <paramref name="maxRestarts"/> restarts of its children within
    /// <paramref name="within"/>; the next failure stops every child and escalates, to the parent supervisor (which
    /// restarts this one as its strategy says) or, at the root, to the health monitor and the recovery manager
    /// (the failing worker turns <c>Failed</c>).
    /// </summary>
    /// <param name="maxRestarts">Default 3; allowed 0 (escalate at the first failure) to 10,000.</param>
    /// <param name="within">Default 10 s; allowed 1 ms to 1 day.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public SupervisorBuilder RestartIntensity(int maxRestarts, TimeSpan within)
    {
        if (maxRestarts is < 0 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRestarts), maxRestarts, $"Supervisor '{Name}': maxRestarts is {maxRestarts}; allowed: 0 to 10000.");
        }

        ThrowIfOutside(within, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), nameof(within));
        _definition.MaxRestarts = maxRestarts;
        _definition.RestartWindow = within;
        return this;
    }

    /// <summary>
    /// Sets the wait before a restart: <paramref name="initial"/> for the first restart within the intensity window,
    /// doubling for each further one up to <paramref name="maximum"/>, each spread by ±<paramref name="jitter"/> so
    /// that many workers failing together do not restart together.
    /// </summary>
    /// <param name="initial">Default 100 ms; allowed 0 to 1 hour.</param>
    /// <param name="maximum">Default 10 s; allowed <paramref name="initial"/> to 1 hour.</param>
    /// <param name="jitter">Default 0.2 (±20 %); allowed 0 to 1.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public SupervisorBuilder Backoff(TimeSpan initial, TimeSpan maximum, double jitter = SupervisorDefinition.DefaultJitter)
    {
        ThrowIfOutside(initial, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(initial));
        ThrowIfOutside(maximum, initial, TimeSpan.FromHours(1), nameof(maximum));
        if (!(jitter is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, $"Supervisor '{Name}': jitter is {jitter}; allowed: 0 to 1.");
        }

        _definition.InitialBackoff = initial;
        _definition.MaxBackoff = maximum;
        _definition.Jitter = jitter;
        return this;
    }

    /// <summary>Sets how long a child is given to end after its token is cancelled before it is left behind (logged).</summary>
    /// <param name="timeout">Default 5 s; allowed 1 ms to 10 minutes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is outside its range.</exception>
    public SupervisorBuilder StopTimeout(TimeSpan timeout)
    {
        ThrowIfOutside(timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10), nameof(timeout));
        _definition.StopTimeout = timeout;
        return this;
    }

    /// <summary>Seeds the backoff jitter, so restart times repeat from run to run (tests).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The builder.</returns>
    public SupervisorBuilder Seed(int seed)
    {
        _definition.Seed = seed;
        return this;
    }

    /// <summary>Adds a worker of type <typeparamref name="TWorker"/>, created with its dependencies at each start.</summary>
    /// <typeparam name="TWorker">The worker.</typeparam>
    /// <param name="name">Its name, unique among every supervisor, worker and healable component: letters, digits, '-', '_', '.' and '/'.</param>
    /// <param name="configure">Sets its restart policy and the circuits that pause it.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid or already used.</exception>
    public SupervisorBuilder AddWorker<TWorker>(string name, Action<WorkerBuilder>? configure = null)
        where TWorker : class, ISupervisedWorker =>
        Add(name, static async (services, context, token) =>
        {
            TWorker worker = ActivatorUtilities.CreateInstance<TWorker>(services);
            try
            {
                await worker.RunAsync(context, token).ConfigureAwait(false);
            }
            finally
            {
                await DisposeAsync(worker).ConfigureAwait(false);
            }
        }, configure);

    /// <summary>Adds a worker that runs <paramref name="run"/> at each start.</summary>
    /// <param name="name">Its name, unique among every supervisor, worker and healable component.</param>
    /// <param name="run">Does the job until the token is cancelled; throwing is a failure.</param>
    /// <param name="configure">Sets its restart policy and the circuits that pause it.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid or already used.</exception>
    public SupervisorBuilder AddWorker(string name, Func<WorkerContext, CancellationToken, Task> run, Action<WorkerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(name, (_, context, token) => run(context, token), configure);
    }

    /// <summary>
    /// Adds an existing <see cref="BackgroundService"/> as a worker (do not also register it with
    /// <c>AddHostedService</c>): a new instance at each start, started with <c>StartAsync</c>; its
    /// <c>ExecuteTask</c> failing is a failure; stopped with <c>StopAsync</c>.
    /// </summary>
    /// <typeparam name="TService">The background service.</typeparam>
    /// <param name="name">Its name, unique among every supervisor, worker and healable component.</param>
    /// <param name="configure">Sets its restart policy and the circuits that pause it.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid or already used.</exception>
    public SupervisorBuilder AddBackgroundService<TService>(string name, Action<WorkerBuilder>? configure = null)
        where TService : BackgroundService =>
        Add(name, static async (services, _, token) =>
        {
            TService service = ActivatorUtilities.CreateInstance<TService>(services);
            try
            {
                await service.StartAsync(token).ConfigureAwait(false);
                await (service.ExecuteTask ?? Task.CompletedTask).ConfigureAwait(false);
            }
            finally
            {
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
                service.Dispose();
            }
        }, configure);

    /// <summary>Adds a nested supervisor; to this one it is a child like a worker, restarted (all its children) by this one's strategy when it escalates.</summary>
    /// <param name="name">Its name, unique among every supervisor, worker and healable component.</param>
    /// <param name="configure">Declares its children and settings.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid or already used, or the supervisor has no child.</exception>
    public SupervisorBuilder AddSupervisor(string name, Action<SupervisorBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Claim(name, nameof(name));
        var child = new SupervisorDefinition(name);
        configure(new SupervisorBuilder(child, _names));
        ThrowIfEmpty(child, nameof(configure));
        _definition.Children.Add(child);
        return this;
    }

    internal static void ThrowIfEmpty(SupervisorDefinition definition, string paramName)
    {
        if (definition.Children.Count == 0)
        {
            throw new ArgumentException($"The supervisor '{definition.Name}' has no worker; allowed: at least one AddWorker, AddBackgroundService or AddSupervisor.", paramName);
        }
    }

    private SupervisorBuilder Add(string name, Func<IServiceProvider, WorkerContext, CancellationToken, Task> run, Action<WorkerBuilder>? configure)
    {
        Claim(name, nameof(name));
        var worker = new WorkerDefinition(name, run);
        configure?.Invoke(new WorkerBuilder(worker));
        _definition.Children.Add(worker);
        return this;
    }

    private void Claim(string name, string paramName)
    {
        ComponentNames.ThrowIfInvalid(name, paramName);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used by another supervisor or worker; allowed: a name used once.", paramName);
        }
    }

    private void ThrowIfOutside(TimeSpan value, TimeSpan minimum, TimeSpan maximum, string paramName)
    {
        if (value < minimum || value > maximum)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Supervisor '{Name}': {paramName} is {value}; allowed: {minimum} to {maximum}.");
        }
    }

    private static async ValueTask DisposeAsync(object worker)
    {
        if (worker is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (worker is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
