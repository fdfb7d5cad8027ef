using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SelfHealing.DependencyInjection;
using SelfHealing.Sqlite;
using SelfHealing.Storage;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace, where users look for them.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Keeps SelfHealing's state in a SQLite file.</summary>
public static class SqliteBuilderExtensions
{
    /// <summary>
    /// Keeps SelfHealing's state (incidents, recovery statistics, configuration versions) in a SQLite file,
    /// options from <paramref name="configure"/> then from <c>SelfHealing:Sqlite</c>; validated at start.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (the file path).</param>
    /// <returns>The builder.</returns>
    public static ISelfHealingBuilder UseSqliteStore(this ISelfHealingBuilder builder, Action<SqliteStateStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddSelfHealingOptions<SqliteStateStoreOptions, SqliteStateStoreOptionsValidator>(SqliteStateStoreOptionsValidator.Section);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new SqliteStateStore(sp.GetRequiredService<IOptions<SqliteStateStoreOptions>>(), sp.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IStateStore>(sp => sp.GetRequiredService<SqliteStateStore>()));
        return builder;
    }
}
