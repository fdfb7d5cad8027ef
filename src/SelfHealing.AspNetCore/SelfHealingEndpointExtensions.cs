using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfHealing.AspNetCore;

#pragma warning disable IDE0130 // Endpoint extensions live in the ASP.NET Core namespace, where users look for them.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps SelfHealing's endpoints on an ASP.NET Core app.</summary>
public static class SelfHealingEndpointExtensions
{
    /// <summary>
    /// Maps a health endpoint like <c>MapHealthChecks</c> (200 for Healthy and Degraded, 503 for Unhealthy) whose
    /// body names every check with its status, description and data (<see cref="HealthResponseWriter"/>), so an
    /// operator sees which breaker is open and why the app is degraded.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route, for example <c>/health</c>.</param>
    /// <param name="predicate">Chooses the checks to run (for a readiness or liveness endpoint); every check when <see langword="null"/>.</param>
    /// <returns>The endpoint's builder, for more conventions (authorization, host filters).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty.</exception>
    public static IEndpointConventionBuilder MapSelfHealingHealthChecks(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Func<HealthCheckRegistration, bool>? predicate = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return endpoints.MapHealthChecks(pattern, new HealthCheckOptions
        {
            Predicate = predicate,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
    }
}
