using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing.Dashboard;
using SelfHealing.DependencyInjection;
using SelfHealing.Events;
using SelfHealing.Recovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the live dashboard to a SelfHealing app; map its page with <c>app.MapSelfHealingDashboard()</c>.</summary>
public static class DashboardBuilderExtensions
{
    /// <summary>
    /// Adds what the dashboard needs: a recorder that reads the event hub from the app's start (each breaker's recent
    /// transitions, the optimizer's generations, a feed of recent events), with <see cref="DashboardOptions"/> bound
    /// from <c>SelfHealing:Dashboard</c> (configuration overrides <paramref name="configure"/>), and ASP.NET Core's
    /// antiforgery for the page's actions. Idempotent.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder AddDashboard(this ISelfHealingBuilder builder, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(DashboardRecorder)))
        {
            return builder;
        }

        SelfHealingServiceCollectionExtensions.AddSectionOptions<DashboardOptions, DashboardOptionsValidator>(services, DashboardOptionsValidator.Section);
        services.AddAntiforgery();
        services.TryAddSingleton(sp => new DashboardRecorder(
            sp.GetRequiredService<IEventHub>(),
            sp.GetRequiredService<IOptions<DashboardOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<DashboardRecorder>>(),
            sp.GetService<DashboardApprovals>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DashboardRecorder>());
        services.TryAddSingleton<DashboardSwitches>();
        services.AddSingleton<IPostConfigureOptions<RecoveryOptions>>(sp => sp.GetRequiredService<DashboardSwitches>());
        services.AddSingleton<IOptionsChangeTokenSource<RecoveryOptions>>(sp => sp.GetRequiredService<DashboardSwitches>());
        services.TryAddSingleton(sp => new DashboardSnapshot(sp, sp.GetRequiredService<DashboardRecorder>(), sp.GetRequiredService<IOptions<DashboardOptions>>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// Makes the dashboard the recovery manager's approval gate: a recovery whose risk is above
    /// <see cref="RecoveryOptions.AutoApproveUpTo"/> waits on the page until an operator approves or denies it (an
    /// action, so it needs the actions' access), or until <see cref="RecoveryOptions.ApprovalTimeout"/> passes (a
    /// denial). Replaces any gate set before; adds the dashboard and recovery when they are not added yet.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISelfHealingBuilder UseDashboardApprovals(this ISelfHealingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDashboard().AddRecovery();
        builder.Services.TryAddSingleton(sp => new DashboardApprovals(sp.GetRequiredService<TimeProvider>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IRecoveryApprovalGate>(sp => sp.GetRequiredService<DashboardApprovals>()));
        return builder;
    }
}
