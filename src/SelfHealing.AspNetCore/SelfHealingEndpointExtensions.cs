using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.AspNetCore;
using SelfHealing.Health;

#pragma warning disable IDE0130 // Endpoint extensions live in the ASP.NET Core namespace, where users look for them.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps SelfHealing's endpoints on an ASP.NET Core app.</summary>
public static class SelfHealingEndpointExtensions
{
    /// <summary>
    /// Maps a health endpoint that answers like <c>MapHealthChecks</c> (200 for Healthy and Degraded, 503 for
    /// Unhealthy, never cached) with a JSON body naming every check with its status, description and data
    /// (<see cref="HealthResponseWriter"/>), so an operator sees which breaker is open and why the app is degraded.
    /// The checks run through <see cref="QuietHealthCheckService"/>: a probe of a degraded app does not write a
    /// warning per check per request, as <c>MapHealthChecks</c> does.
    /// </summary>
    /// <param name="endpoints">The app's endpoints (after <c>AddSelfHealing()</c>).</param>
    /// <param name="pattern">The route, for example <c>/health</c>.</param>
    /// <param name="predicate">Chooses the checks to run (for a readiness or liveness endpoint); every check when <see langword="null"/>.</param>
    /// <returns>The endpoint's builder, for more conventions (authorization, host filters).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty.</exception>
    /// <exception cref="InvalidOperationException"><c>AddSelfHealing()</c> was not called on the app's services.</exception>
    public static IEndpointConventionBuilder MapSelfHealingHealthChecks(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Func<HealthCheckRegistration, bool>? predicate = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        QuietHealthCheckService checks = endpoints.ServiceProvider.GetService<QuietHealthCheckService>()
            ?? throw new InvalidOperationException($"MapSelfHealingHealthChecks(\"{pattern}\") needs SelfHealing's services: call builder.Services.AddSelfHealing() first.");
        return endpoints.Map(pattern, async context =>
        {
            HealthReport report = await checks.CheckHealthAsync(predicate, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            context.Response.Headers.CacheControl = "no-store, no-cache";
            context.Response.Headers.Pragma = "no-cache";
            context.Response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
            await HealthResponseWriter.WriteAsync(context, report).ConfigureAwait(false);
        }).WithDisplayName($"SelfHealing health checks {pattern}");
    }
}
