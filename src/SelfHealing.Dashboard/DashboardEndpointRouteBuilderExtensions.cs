using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHealing.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SelfHealing dashboard: a live page and its JSON API (docs/dashboard.md).</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard's page at <paramref name="pattern"/> and its JSON API (version 1) under
    /// <c>{pattern}/api/v1</c>. Safe by default: until the app calls <c>RequireAuthorization(...)</c> on the returned
    /// builder, only local requests are answered; actions then need <see cref="DashboardOptions.ActionsPolicy"/>
    /// (read when mapped) and always an antiforgery token.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">Where the page is served; default <c>/selfhealing</c>.</param>
    /// <returns>The group of the dashboard's endpoints, for the app's conventions (authorization, host, rate limits).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty or does not start with <c>/</c>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddDashboard()</c> was not called in <c>AddSelfHealing(...)</c>.</exception>
    public static RouteGroupBuilder MapSelfHealingDashboard(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/selfhealing")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (!pattern.StartsWith('/'))
        {
            throw new ArgumentException($"The dashboard's pattern '{pattern}' does not start with '/'.", nameof(pattern));
        }

        if (endpoints.ServiceProvider.GetService<DashboardRecorder>() is null)
        {
            throw new InvalidOperationException(
                "The SelfHealing dashboard is not added: call AddDashboard() in AddSelfHealing(...) before MapSelfHealingDashboard().");
        }

        DashboardOptions options = endpoints.ServiceProvider.GetRequiredService<IOptions<DashboardOptions>>().Value;
        RouteGroupBuilder group = endpoints.MapGroup(pattern.TrimEnd('/'));
        group.AddEndpointFilter(static async (context, next) =>
            DashboardAccess.MaySee(context.HttpContext)
                ? await next(context).ConfigureAwait(false)
                : Results.Text(DashboardAccess.LocalOnlyMessage, statusCode: StatusCodes.Status403Forbidden));
        group.ExcludeFromDescription();

        group.MapGet("/", DashboardAssets.Page);
        group.MapGet("/assets/{file}", DashboardAssets.Asset);
        group.MapGet("/api/v1/snapshot", DashboardApi.Snapshot);
        group.MapGet("/api/v1/metrics", DashboardApi.MetricNames);
        group.MapGet("/api/v1/metrics/series", DashboardApi.Series);
        group.MapGet("/api/v1/stream", DashboardStream.RunAsync);

        RouteGroupBuilder actions = group.MapGroup("/api/v1");
        actions.AddEndpointFilter(DashboardApi.ActionsFilter);
        if (options.ActionsPolicy is { } policy)
        {
            actions.RequireAuthorization(new DashboardAccess.ActionsAuthorization(policy));
        }

        actions.MapGet("/antiforgery", DashboardApi.Antiforgery);
        actions.MapPost("/breakers/{name}/isolate", DashboardApi.Isolate);
        actions.MapPost("/breakers/{name}/reset", DashboardApi.Reset);
        actions.MapPost("/approvals/{id}/approve", (HttpContext context, string id) => DashboardApi.Decide(context, id, approve: true));
        actions.MapPost("/approvals/{id}/deny", (HttpContext context, string id) => DashboardApi.Decide(context, id, approve: false));
        actions.MapPost("/configuration/rollback", (Delegate)DashboardApi.RollbackAsync);
        actions.MapPost("/switches/automatic-recovery", (Delegate)DashboardApi.SwitchAsync);
        return group;
    }
}
