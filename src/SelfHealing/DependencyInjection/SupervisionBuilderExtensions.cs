using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing;
using SelfHealing.CircuitBreakers;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Health;
using SelfHealing.Recovery;
using SelfHealing.Storage;
using SelfHealing.Supervision;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Declares supervisors: trees of background workers that restart themselves.</summary>
public static class SupervisionBuilderExtensions
{
    /// <summary>
    /// Declares a root supervisor and its workers. The workers start with the host (after SelfHealing's own
    /// services), in declaration order, and stop in reverse order. Each worker and supervisor becomes a health
    /// component of its name (a supervisor depends on its children) and each worker a healable component whose
    /// Restart restarts it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The supervisor's name, unique among every supervisor, worker and healable component.</param>
    /// <param name="configure">Declares its children, strategy, restart intensity and backoff.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is invalid or used twice, or a supervisor has no child.</exception>
    public static ISelfHealingBuilder AddSupervisor(this ISelfHealingBuilder builder, string name, Action<SupervisorBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ComponentNames.ThrowIfInvalid(name, nameof(name));
        builder.AddRecovery();
        IServiceCollection services = builder.Services;
        SupervisorDefinition[] declared = [.. services
            .Where(d => d.ServiceType == typeof(SupervisorDefinition) && !d.IsKeyedService)
            .Select(d => (SupervisorDefinition)d.ImplementationInstance!)];
        var names = declared.SelectMany(d => d.Descendants().Prepend(d)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        if (!names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used by another supervisor or worker; allowed: a name used once.", nameof(name));
        }

        var definition = new SupervisorDefinition(name);
        configure(new SupervisorBuilder(definition, names));
        SupervisorBuilder.ThrowIfEmpty(definition, nameof(configure));
        services.AddSingleton(definition);

        foreach (NodeDefinition node in definition.Descendants().Prepend(definition))
        {
            var component = new HealthComponentBuilder(node.Name, services);
            component.DependsOn(node is SupervisorDefinition supervisor ? [.. supervisor.Children.Select(c => c.Name)] : []);
            if (node is WorkerDefinition)
            {
                string worker = node.Name;
                services.AddSingleton(new HealableComponentRegistration(
                    worker,
                    HealingLevel.Advanced,
                    sp => new SupervisedComponent(sp.GetRequiredService<SupervisionTree>(), sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(), worker)));
            }
        }

        if (declared.Length == 0)
        {
            services.TryAddSingleton(sp => new SupervisionTree(
                sp.GetServices<SupervisorDefinition>(),
                sp,
                sp.GetRequiredService<IStateStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IEventHub>(),
                sp.GetService<HealthMonitor>(),
                sp.GetService<CircuitBreakerRegistry>(),
                sp.GetService<ILogger<SupervisionTree>>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SupervisionTree>());
        }

        return builder;
    }
}
