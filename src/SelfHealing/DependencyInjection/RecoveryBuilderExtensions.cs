using Microsoft.Extensions.DependencyInjection.Extensions;
using SelfHealing;
using SelfHealing.DependencyInjection;
using SelfHealing.Recovery;
using SelfHealing.Storage;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Declares healable components, recovery plans, the approval gate, incident sinks and the state store.</summary>
public static class RecoveryBuilderExtensions
{
    /// <summary>
    /// Declares a healable component under the name the health monitor knows it by (a health check registration,
    /// a health component, or a breaker's name for <see cref="FailureTypes.CircuitOpen"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The component's name: letters, digits, '-', '_', '.' and '/'.</param>
    /// <param name="configure">Gives the component's type or delegates, its level and its verification.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid.</exception>
    public static ISelfHealingBuilder AddHealableComponent(this ISelfHealingBuilder builder, string name, Action<HealableComponentBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ComponentNames.ThrowIfInvalid(name, nameof(name));
        var component = new HealableComponentBuilder(name);
        configure(component);
        builder.AddRecovery();
        builder.Services.AddSingleton(component.Build());
        return builder;
    }

    /// <summary>Declares a healable component of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The component: the registered service if there is one, otherwise a new instance.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The component's name.</param>
    /// <param name="level">Its healing level.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddHealableComponent<T>(this ISelfHealingBuilder builder, string name, HealingLevel level = HealingLevel.Advanced)
        where T : class, IHealableComponent =>
        builder.AddHealableComponent(name, h => h.Use<T>().Level(level));

    /// <summary>Adds a recovery plan (validated at start with the other recovery options).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the plan.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddRecoveryPlan(this ISelfHealingBuilder builder, Action<RecoveryPlan> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var plan = new RecoveryPlan();
        configure(plan);
        builder.AddRecovery();
        builder.Services.Configure<RecoveryOptions>(o => o.Plans.Add(plan.Copy()));
        return builder;
    }

    /// <summary>Configures the recovery manager (also bound from <c>SelfHealing:Recovery</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder ConfigureRecovery(this ISelfHealingBuilder builder, Action<RecoveryOptions> configure) => builder.ConfigureOptions(configure);

    /// <summary>Asks <typeparamref name="T"/> before risky actions (instead of denying them).</summary>
    /// <typeparam name="T">The gate.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder UseApprovalGate<T>(this ISelfHealingBuilder builder)
        where T : class, IRecoveryApprovalGate
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRecovery();
        builder.Services.Replace(ServiceDescriptor.Singleton<IRecoveryApprovalGate, T>());
        return builder;
    }

    /// <summary>Asks <paramref name="gate"/> before risky actions (instead of denying them).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="gate">The gate.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder UseApprovalGate(this ISelfHealingBuilder builder, IRecoveryApprovalGate gate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(gate);
        builder.AddRecovery();
        builder.Services.Replace(ServiceDescriptor.Singleton(gate));
        return builder;
    }

    /// <summary>Sends incidents to <typeparamref name="T"/> as well as to the log.</summary>
    /// <typeparam name="T">The sink.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddIncidentSink<T>(this ISelfHealingBuilder builder)
        where T : class, IIncidentSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRecovery();
        builder.Services.AddSingleton<IIncidentSink, T>();
        return builder;
    }

    /// <summary>Sends incidents to <paramref name="sink"/> as well as to the log.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sink">The sink.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder AddIncidentSink(this ISelfHealingBuilder builder, IIncidentSink sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.AddRecovery();
        builder.Services.AddSingleton(sink);
        return builder;
    }

    /// <summary>Keeps SelfHealing's state in <typeparamref name="T"/> instead of memory.</summary>
    /// <typeparam name="T">The store.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder UseStateStore<T>(this ISelfHealingBuilder builder)
        where T : class, IStateStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStateStore, T>());
        return builder;
    }
}
