using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.Recovery;

/// <summary>
/// Declares a healable component inside <c>AddHealableComponent(name, h =&gt; ...)</c>: either a type
/// (<see cref="Use{T}"/>) or delegates for what it supports; what no delegate is given for is not supported.
/// </summary>
public sealed class HealableComponentBuilder
{
    private Func<IServiceProvider, IHealableComponent>? _factory;
    private Func<CancellationToken, ValueTask>? _restart;
    private Func<IReadOnlyDictionary<string, string>, CancellationToken, ValueTask>? _reconfigure;
    private Func<bool, CancellationToken, ValueTask>? _fallback;
    private Func<double, CancellationToken, ValueTask>? _scale;
    private Func<CancellationToken, ValueTask<object?>>? _save;
    private Func<object?, CancellationToken, ValueTask>? _restore;
    private Func<CancellationToken, ValueTask<bool>>? _verification;
    private HealingLevel _level = HealingLevel.Advanced;
    private string? _shared;

    internal HealableComponentBuilder(string name) => Name = name;

    /// <summary>Gets the component's name.</summary>
    public string Name { get; }

    /// <summary>Sets the healing level.</summary>
    /// <param name="level">The level; default <see cref="HealingLevel.Advanced"/>.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder Level(HealingLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a defined healing level.");
        }

        _level = level;
        return this;
    }

    /// <summary>Uses <typeparamref name="T"/>: the registered service if there is one, otherwise a new instance with its dependencies.</summary>
    /// <typeparam name="T">The component.</typeparam>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder Use<T>()
        where T : class, IHealableComponent
    {
        _factory = static sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp);
        return this;
    }

    /// <summary>Restarts the component with a delegate.</summary>
    /// <param name="restart">The restart.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder OnRestart(Func<CancellationToken, ValueTask> restart) => Set(ref _restart, restart);

    /// <summary>Reconfigures the component with a delegate.</summary>
    /// <param name="reconfigure">Applies parameter changes.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder OnReconfigure(Func<IReadOnlyDictionary<string, string>, CancellationToken, ValueTask> reconfigure) => Set(ref _reconfigure, reconfigure);

    /// <summary>Switches the component's fallback with a delegate.</summary>
    /// <param name="fallback">Switches the fallback on (true) or off.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder OnFallback(Func<bool, CancellationToken, ValueTask> fallback) => Set(ref _fallback, fallback);

    /// <summary>Scales the component's resources with a delegate.</summary>
    /// <param name="scale">Scales by a factor.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder OnScale(Func<double, CancellationToken, ValueTask> scale) => Set(ref _scale, scale);

    /// <summary>Saves and restores the component's state with delegates.</summary>
    /// <param name="save">Returns the state.</param>
    /// <param name="restore">Restores a state <paramref name="save"/> returned.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder OnCheckpoint(Func<CancellationToken, ValueTask<object?>> save, Func<object?, CancellationToken, ValueTask> restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        _restore = restore;
        return Set(ref _save, save);
    }

    /// <summary>Tells whether the component recovered with a delegate, instead of asking the health monitor.</summary>
    /// <param name="verification">Returns true once the component works.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder VerifyWith(Func<CancellationToken, ValueTask<bool>> verification) => Set(ref _verification, verification);

    /// <summary>
    /// Marks the component as a target every replica shares (a database, a queue): with an <see cref="IRecoveryLeases"/>
    /// (SelfHealing.Coordination), only the replica that gets the lease on <paramref name="target"/> acts on it, and the
    /// others wait for its result.
    /// </summary>
    /// <param name="target">The shared target's name, the same on every replica.</param>
    /// <returns>The builder.</returns>
    public HealableComponentBuilder SharedAs(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        _shared = target;
        return this;
    }

    internal HealableComponentRegistration Build()
    {
        if (_factory is null)
        {
            var component = new DelegateComponent(Name, _restart, _reconfigure, _fallback, _scale, _save, _restore);
            return new HealableComponentRegistration(Name, _level, _ => component, _verification) { SharedTarget = _shared };
        }

        return new HealableComponentRegistration(Name, _level, _factory, _verification) { SharedTarget = _shared };
    }

    private HealableComponentBuilder Set<T>(ref T? field, T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        field = value;
        return this;
    }

    private sealed class DelegateComponent(
        string name,
        Func<CancellationToken, ValueTask>? restart,
        Func<IReadOnlyDictionary<string, string>, CancellationToken, ValueTask>? reconfigure,
        Func<bool, CancellationToken, ValueTask>? fallback,
        Func<double, CancellationToken, ValueTask>? scale,
        Func<CancellationToken, ValueTask<object?>>? save,
        Func<object?, CancellationToken, ValueTask>? restore) : HealableComponent
    {
        public override RecoveryCapabilities Capabilities =>
            (restart is null ? 0 : RecoveryCapabilities.Restart)
            | (reconfigure is null ? 0 : RecoveryCapabilities.Reconfigure)
            | (fallback is null ? 0 : RecoveryCapabilities.Fallback)
            | (scale is null ? 0 : RecoveryCapabilities.ScaleResources)
            | (save is null ? 0 : RecoveryCapabilities.Checkpoint);

        public override ValueTask RestartAsync(CancellationToken cancellationToken) => restart is null ? base.RestartAsync(cancellationToken) : restart(cancellationToken);

        public override ValueTask ReconfigureAsync(IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken) =>
            reconfigure is null ? base.ReconfigureAsync(changes, cancellationToken) : reconfigure(changes, cancellationToken);

        public override ValueTask SetFallbackAsync(bool active, CancellationToken cancellationToken) =>
            fallback is null ? base.SetFallbackAsync(active, cancellationToken) : fallback(active, cancellationToken);

        public override ValueTask ScaleAsync(double factor, CancellationToken cancellationToken) =>
            scale is null ? base.ScaleAsync(factor, cancellationToken) : scale(factor, cancellationToken);

        public override async ValueTask<ComponentCheckpoint> CheckpointAsync(CancellationToken cancellationToken) =>
            save is null ? await base.CheckpointAsync(cancellationToken).ConfigureAwait(false)
                : new ComponentCheckpoint(name, default, await save(cancellationToken).ConfigureAwait(false));

        public override ValueTask RestoreAsync(ComponentCheckpoint checkpoint, CancellationToken cancellationToken) =>
            restore is null ? base.RestoreAsync(checkpoint, cancellationToken) : restore(checkpoint.State, cancellationToken);
    }
}
