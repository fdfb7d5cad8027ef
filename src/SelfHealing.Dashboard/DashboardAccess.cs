using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SelfHealing.Dashboard;

/// <summary>
/// Who may see the dashboard and use its actions. Without an authorization policy of the app's on the dashboard's
/// endpoints, only local requests (from a loopback address) are answered; with one, the app's authorization decides
/// who sees it, and actions need <see cref="DashboardOptions.ActionsPolicy"/>.
/// </summary>
internal static class DashboardAccess
{
    public const string LocalOnlyMessage =
        "The SelfHealing dashboard answers local requests only. To open it to other machines, call RequireAuthorization(...) on what MapSelfHealingDashboard returns.";

    /// <summary>Whether the request comes from this machine's loopback address.</summary>
    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    /// <summary>Whether the app put an authorization policy of its own on this endpoint (not only the actions' policy).</summary>
    public static bool AppAuthorizes(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(d => d is not ActionsAuthorization) ?? false;

    /// <summary>Whether the request may see the dashboard (the app's policies, when it set any, have already passed).</summary>
    public static bool MaySee(HttpContext context) => AppAuthorizes(context) || IsLocal(context);

    /// <summary>Whether the request may use actions, and why not.</summary>
    public static ActionsDto Actions(HttpContext context)
    {
        DashboardOptions options = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (options.ReadOnly)
        {
            return new ActionsDto(false, "the dashboard is read-only (SelfHealing:Dashboard:ReadOnly)");
        }

        if (options.ActionsPolicy is not null)
        {
            return new ActionsDto(true, null); // the actions' endpoints carry the policy; the authorization middleware checks it
        }

        return AppAuthorizes(context)
            ? new ActionsDto(false, "actions need SelfHealing:Dashboard:ActionsPolicy once the dashboard is authorized by the app's policies")
            : new ActionsDto(IsLocal(context), IsLocal(context) ? null : LocalOnlyMessage);
    }

    /// <summary>The actions' policy, told apart from the app's own authorization of the dashboard.</summary>
    internal sealed class ActionsAuthorization(string policy) : IAuthorizeData
    {
        public string? Policy { get; set; } = policy;

        public string? Roles { get; set; }

        public string? AuthenticationSchemes { get; set; }
    }
}
